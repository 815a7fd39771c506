import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../env.ts';

const temp = mkdtempSync(join(tmpdir(), 'wanwu-startup-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Starts the server as `npm start` does, with `env` on top of a valid configuration, and waits for it to exit. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataDir = join(temp, `data-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'server/main.ts'],
      { cwd: repoRoot, timeout: 60_000, env: { ...process.env, HOST: '127.0.0.1', PORT: '0', WANWU_DATA: dataDir, WANWU_ADMIN_TOKEN: 'a-long-enough-admin-token', LOG_LEVEL: 'error', ...env } },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

const noStack = /\n\s+at |node:internal|\{"level"/;

describe('a server that cannot start as configured', () => {
  it.each([
    ['WANWU_ADMIN_TOKEN', 'short', /^Wanwu cannot start: WANWU_ADMIN_TOKEN must be at least 16 characters \(it has 5\)/],
    ['PORT', 'eighty', /^Wanwu cannot start: PORT must be a whole number from 0 to 65535 \(a TCP port\), not "eighty"$/],
    ['WANWU_SYNC_RATE', '-3', /^Wanwu cannot start: WANWU_SYNC_RATE must be a number at least 1 \(requests a minute\), not "-3"$/],
    ['WANWU_AGGREGATE_DELAY', 'soon', /^Wanwu cannot start: WANWU_AGGREGATE_DELAY must be a number at least 0 \(seconds\), not "soon"$/],
    ['WANWU_TRAIN_MIN_LABELS', '2.5', /^Wanwu cannot start: WANWU_TRAIN_MIN_LABELS must be a whole number at least 1/],
    ['WANWU_TRUST_PROXY', 'maybe', /^Wanwu cannot start: WANWU_TRUST_PROXY must be 1 or 0 \(true or false\), not "maybe"$/],
  ])('says what is wrong with %s=%s in one line and exits 1', async (name, value, message) => {
    const run = await start({ [name]: value });
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n'), run.stderr).toEqual([expect.stringMatching(message)]);
    expect(run.stderr).not.toMatch(noStack);
    // Nothing was announced: a setting's typo stops the start before the admin token exists.
    expect(run.stdout).not.toMatch(/admin token/);
  });

  it('says which data folder cannot be used', async () => {
    const file = join(temp, 'a-file');
    writeFileSync(file, 'not a folder');
    const run = await start({ WANWU_DATA: join(file, 'data') });
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^Wanwu cannot start: Cannot open the database .*a-file\/data\/wanwu\.sqlite: .*Set WANWU_DATA/)]);
  });

  it('says the port is taken, without a stack trace', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    try {
      const run = await start({ PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toEqual([`Wanwu cannot start: port ${port} on 127.0.0.1 is in use; set PORT to another`]);
    } finally {
      taken.close();
    }
  });

  it.each([['WANWU_SYNC_RATE', 'many'], ['WANWU_ADMIN_TOKEN', 'short']])('creates nothing when %s=%s', async (name, value) => {
    const dataDir = join(temp, `untouched-${name}`);
    await start({ WANWU_DATA: dataDir, [name]: value });
    expect(existsSync(dataDir)).toBe(false);
  });
});
