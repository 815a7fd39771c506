import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A throwaway PostgreSQL for one test run (DEVELOPERS.md): a fresh cluster in a temporary folder on
 * a free loopback port, gone at the end. WANWU_TEST_DATABASE_URL points the tests at an existing
 * server instead. Test files each create their own database in it (createTestDatabase).
 */

const run = promisify(execFile);

export interface TestPostgres {
  /** Superuser URL of the server's `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

export async function startTestPostgres(env: NodeJS.ProcessEnv = process.env): Promise<TestPostgres> {
  const existing = env.WANWU_TEST_DATABASE_URL;
  if (existing) return { url: existing, stop: async () => {} };

  const bin = await postgresBinDir();
  // Under /tmp, not $TMPDIR: the `postgres` user must be able to reach it.
  const dir = mkdtempSync('/tmp/wanwu-pg-');
  // PostgreSQL refuses to run as root: the cluster then belongs to the `postgres` user.
  const asUser = process.getuid?.() === 0 ? await postgresUser(dir) : [];
  const pgCommand = (tool: string, args: string[]) =>
    asUser.length ? run('runuser', [...asUser, '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  const port = await freePort();
  const data = join(dir, 'data');
  try {
    await pgCommand('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    // fsync off: a test cluster never outlives a crash, and its disk writes would slow every test.
    const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
    await pgCommand('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start a test PostgreSQL with ${bin}: ${(error as Error).message}`, { cause: error });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await pgCommand('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new, empty database on the test server for one test file; `drop` removes it. */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wanwu_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function postgresBinDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const candidates = versions.map((version) => join(root, version, 'bin'));
  const fromConfig = await run('pg_config', ['--bindir']).then((out) => out.stdout.trim(), () => null);
  if (fromConfig) candidates.push(fromConfig);
  const bin = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bin) {
    throw new Error(
      'The storage tests need PostgreSQL and none is installed (no initdb in /usr/lib/postgresql/*/bin or ' +
        '`pg_config --bindir`). Install it: `apt-get install -y postgresql`, or set WANWU_TEST_DATABASE_URL ' +
        'to a server the tests may create databases on.',
    );
  }
  return bin;
}

/** `runuser` arguments that run a command as `postgres`, after handing it the cluster's folder. */
async function postgresUser(dir: string): Promise<string[]> {
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout);
  try {
    chownSync(dir, await id('-u'), await id('-g'));
  } catch (error) {
    throw new Error('Running as root, the test PostgreSQL needs the `postgres` user: `apt-get install -y postgresql`', {
      cause: error,
    });
  }
  return ['-u', 'postgres'];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
