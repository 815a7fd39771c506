import { spawn } from 'node:child_process';
import { freePort } from '../../test/browser.ts';
import { repoRoot } from '../../test/env.ts';

/**
 * A server entry (`server/main.ts` or the bench's) in its own Node process. It runs as one process
 * (`node --import tsx`, not the `tsx` launcher, which forks a child), so a signal reaches the server itself.
 */
export interface ServerProcess {
  url: string;
  /** Sends the signal and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The last few kB it printed, for error messages. */
  output(): string;
}

export async function spawnServer(entry: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${output}`);
    if (await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false)) return { url, kill, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await kill();
  throw new Error(`${entry} did not answer ${url}/api/v1/health within 60 s:\n${output}`);
}
