import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { repoRoot } from './env.ts';

/** Headless Chromium and the real Wanwu server, for end-to-end tests and benchmarks. */

const NO_CHROMIUM = 'No Chromium found: run `apt-get install -y chromium` (or set CHROMIUM_PATH)';

export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${NO_CHROMIUM}; CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const candidates = ['/usr/bin/chromium', chromium.executablePath()];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(NO_CHROMIUM);
  return found;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh profile each time, so caches and service workers never leak between runs. */
export async function launchBrowser(options: { webgpu?: boolean; locale?: string } = {}): Promise<LaunchedBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'wanwu-chromium-'));
  // SwiftShader gives a software WebGPU adapter only with this flag.
  const args = options.webgpu ? [...ARGS, '--enable-unsafe-webgpu'] : ARGS;
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: findChromium(),
      headless: true,
      args,
      locale: options.locale ?? 'en-US',
    });
    const violations = await watchContentSecurityPolicy(context);
    return {
      context,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
        // Every end-to-end test runs under the server's Content-Security-Policy: breaking it fails the file.
        if (violations.length > 0) throw new Error(`The app broke its Content-Security-Policy:\n${violations.join('\n')}`);
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/** What every page of `context` did that its Content-Security-Policy refused, as it happens. */
async function watchContentSecurityPolicy(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding('wanwuCspViolation', ({ page }, description: string) => violations.push(`${page.url()}: ${description}`));
  await context.addInitScript(() => {
    const report = (globalThis as unknown as { wanwuCspViolation: (description: string) => void }).wanwuCspViolation;
    document.addEventListener('securitypolicyviolation', (event) => report(`${event.effectiveDirective} refused ${event.blockedURI || 'inline code'}`));
  });
  return violations;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  /** The server's data folder: a fresh temp folder (removed by `stop`) unless the caller passed WANWU_DATA. */
  dataDir: string;
  /** WANWU_ADMIN_TOKEN as passed, or a random one, for `GET /api/v1/admin/stats`. */
  adminToken: string;
  /** Stops it (SIGTERM, a clean shutdown) and removes its own data folder. */
  stop(): Promise<void>;
  /** Sends the signal (SIGKILL: a crash) and waits until the process is gone; the data folder stays. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** A fixed port, to start a server again where a stopped one was (pass the same WANWU_DATA to keep its data). */
  port?: number;
  /** The entry to run instead of `server/main.ts` (the sync bench's server). */
  entry?: string;
}

/**
 * Starts `server/main.ts` as users run it and waits until its health check answers. It runs as
 * one Node process (`node --import tsx`, not the `tsx` launcher, which forks a child), so a
 * signal reaches the server itself and stopping it frees the port at once.
 */
export async function startServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const ownData = env.WANWU_DATA ? null : await mkdtemp(join(tmpdir(), 'wanwu-data-'));
  const dataDir = env.WANWU_DATA ?? ownData!;
  const adminToken = env.WANWU_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, WANWU_DATA: dataDir, WANWU_ADMIN_TOKEN: adminToken, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const stop = async () => {
    await kill();
    if (ownData) await rm(ownData, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`The Wanwu server exited with ${child.exitCode}:\n${output}`);
    }
    const healthy = await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false);
    if (healthy) return { url, port, dataDir, adminToken, stop, kill };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`The Wanwu server did not answer ${url}/api/v1/health within 60 s:\n${output}`);
}
