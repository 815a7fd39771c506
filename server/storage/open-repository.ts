import { mkdirSync } from 'node:fs';
import { ConfigError } from '../config-error.ts';
import { join } from 'node:path';
import { openPostgresRepository } from './postgres-repository.ts';
import type { Repository } from './repository.ts';
import { openSqliteRepository, SQLITE_FILE } from './sqlite-repository.ts';

export interface StorageOptions {
  /** The data folder (WANWU_DATA): the SQLite file lives here. */
  dataDir: string;
  /** DATABASE_URL: PostgreSQL instead of SQLite. */
  databaseUrl?: string;
}

/** The database could not be opened or migrated; the message says why and what to change. */
export class StorageError extends ConfigError {}

/** The server's storage, migrated and ready: PostgreSQL when a URL is given, else SQLite in the data folder. */
export async function openRepository({ dataDir, databaseUrl }: StorageOptions): Promise<Repository> {
  if (databaseUrl) {
    return ready(
      () => openPostgresRepository(databaseUrl),
      (reason) => `Cannot use PostgreSQL at ${redactedUrl(databaseUrl)}: ${reason}. Check DATABASE_URL.`,
    );
  }
  const file = join(dataDir, SQLITE_FILE);
  return ready(
    () => {
      mkdirSync(dataDir, { recursive: true });
      return openSqliteRepository(file);
    },
    (reason) => `Cannot open the database ${file}: ${reason}. Set WANWU_DATA to a writable folder with free space.`,
  );
}

async function ready(open: () => Repository, explain: (reason: string) => string): Promise<Repository> {
  let repository: Repository | null = null;
  try {
    repository = open();
    await repository.migrate();
    return repository;
  } catch (error) {
    await repository?.close().catch(() => {});
    throw new StorageError(explain(reasonOf(error)), { cause: error });
  }
}

/** Error codes from the file system, SQLite and PostgreSQL, in words. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  SQLITE_READONLY: 'the file system or the file is read-only',
  SQLITE_CANTOPEN: 'the file cannot be created or opened there',
  ENOSPC: 'the disk is full',
  SQLITE_FULL: 'the disk is full',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'a file is in the way of the folder',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CORRUPT: 'the database file is damaged',
  ECONNREFUSED: 'nothing answers there; is PostgreSQL running?',
  ENOTFOUND: 'the host name is unknown',
  '28P01': 'the password was refused',
  '28000': 'the user is not allowed to connect',
  '3D000': 'the database does not exist',
};

function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const known = typeof code === 'string' ? REASONS[code] ?? REASONS[code.replace(/_[A-Z]+$/, '')] : undefined;
  const detail = typeof message === 'string' ? message : String(error);
  return known ? `${known} (${detail})` : detail;
}

/** The URL without its password, so it can be shown and logged. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL is not a URL)';
  }
}
