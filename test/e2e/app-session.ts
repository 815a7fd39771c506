import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from '../browser.ts';
import { appDistDir } from '../env.ts';

/**
 * The real server and headless Chromium an end-to-end test file drives. Each `use…` registers, where
 * it is called (a file or a `describe`), a beforeAll that starts them and an afterAll that stops
 * them, and hands back an object whose fields answer from that beforeAll on: read them in tests and
 * hooks, never while the file is being collected (so do not destructure the object at the top).
 * A file's own beforeAll/afterAll after the call run after the start and before the stop.
 */

export type BrowserOptions = NonNullable<Parameters<typeof launchBrowser>[0]>;

export interface ServerSession {
  readonly server: RunningServer;
}

export interface BrowserSession {
  readonly browser: LaunchedBrowser;
  /** A page opened in the browser, not yet navigated. */
  readonly page: Page;
}

export interface AppSession extends ServerSession, BrowserSession {}

export interface AppSessionOptions {
  /** Extra environment for the server. */
  env?: Record<string, string>;
  browser?: BrowserOptions;
}

/** Fails at once, saying what to do, where the server would have no built app to serve. */
export function requireBuiltApp(): void {
  if (!existsSync(join(appDistDir, 'index.html'))) throw new Error(`No built app in ${appDistDir}: run \`npm run build\` first`);
}

/** The server and the browser start side by side; the browser closes first. */
export function useAppSession(options: AppSessionOptions = {}): AppSession {
  const started = useStarted(
    'app session',
    () => Promise.all([startAppServer(options.env), openBrowser(options.browser)]),
    async ([server, { browser }]) => {
      await browser.close();
      await server.stop();
    },
  );
  return {
    get server() {
      return started()[0];
    },
    get browser() {
      return started()[1].browser;
    },
    get page() {
      return started()[1].page;
    },
  };
}

/** The server alone, for a file whose browsers differ from one `describe` to the next. */
export function useServer(env: Record<string, string> = {}): ServerSession {
  const started = useStarted('server', () => startAppServer(env), (server) => server.stop());
  return {
    get server() {
      return started();
    },
  };
}

/** A browser of its own, for one `describe`. */
export function useBrowser(options: BrowserOptions = {}): BrowserSession {
  const started = useStarted('browser', () => openBrowser(options), ({ browser }) => browser.close());
  return {
    get browser() {
      return started().browser;
    },
    get page() {
      return started().page;
    },
  };
}

async function startAppServer(env: Record<string, string> = {}): Promise<RunningServer> {
  requireBuiltApp();
  return startServer(env);
}

async function openBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const browser = await launchBrowser(options);
  return { browser, page: await browser.context.newPage() };
}

/** Starts the value in beforeAll and stops it in afterAll; the getter throws until it has started. */
function useStarted<T>(what: string, start: () => Promise<T>, stop: (value: T) => Promise<void>): () => T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  });
  afterAll(async () => {
    if (value !== undefined) await stop(value);
  });
  return () => {
    if (value === undefined) throw new Error(`The ${what} starts in beforeAll: read it in a test or a hook`);
    return value;
  };
}
