import { startServer, type RunningServer } from '../../test/browser.ts';

/**
 * A server entry in its own process, by test/browser.ts's startServer. Kept for
 * test/integration/crash.test.ts, which can call startServer itself.
 */
export type ServerProcess = RunningServer;

export const spawnServer = (entry: string, env: Record<string, string>): Promise<ServerProcess> => startServer(env, { entry });
