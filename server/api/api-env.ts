import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/** What the API's handlers find on the context: Node's request under `serve`, and the device once authenticated. */
export interface ApiEnv {
  /** Absent when a test calls `app.request` in-process. */
  Bindings: Partial<HttpBindings>;
  Variables: { deviceId?: string };
}

/** The peer's address; proxies' `X-Forwarded-For` is not trusted, since anyone can send it. */
export function clientAddress(c: Context<ApiEnv>): string {
  return c.env?.incoming?.socket.remoteAddress ?? 'in-process';
}

/** Routes behind device authentication: the device is known. */
export interface DeviceEnv extends ApiEnv {
  Variables: { deviceId: string };
}
