import { openRepository, StorageError } from '../storage/open-repository.ts';
import type { Repository } from '../storage/repository.ts';

/**
 * Runs a command's work on the server's database (DATABASE_URL, else SQLite in `dataDir`), as
 * the server opens it, and closes it afterwards. A database that cannot be used is one line on
 * stderr and exit code 1, never a stack trace.
 */
export async function withServerRepository(dataDir: string, work: (repository: Repository) => Promise<number>): Promise<number> {
  let repository: Repository;
  try {
    repository = await openRepository({ dataDir, databaseUrl: process.env.DATABASE_URL || undefined });
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    process.stderr.write(`wanwu: ${error.message}\n`);
    return 1;
  }
  try {
    return await work(repository);
  } finally {
    await repository.close();
  }
}
