import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';

/** What the API's handlers find on the context: Node's request under `serve`, and the device once authenticated. */
export interface ApiEnv {
  /** Absent when a test calls `app.request` in-process. */
  Bindings: Partial<HttpBindings>;
  Variables: { deviceId?: string; clientAddress: string };
}

/**
 * The client's address, set on every API request: the peer of the connection, or with
 * `trustProxy` (WANWU_TRUST_PROXY, one proxy in front) the address that proxy appended to
 * `X-Forwarded-For`. Only the last entry is the proxy's own word; earlier ones are the client's claim.
 */
export function clientAddressOf(trustProxy: boolean): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const peer = c.env?.incoming?.socket.remoteAddress ?? 'in-process';
    const forwarded = trustProxy ? c.req.header('X-Forwarded-For')?.split(',').at(-1)?.trim() : undefined;
    c.set('clientAddress', forwarded || peer);
    await next();
  };
}

/** Routes behind device authentication: the device is known. */
export interface DeviceEnv extends ApiEnv {
  Variables: { deviceId: string; clientAddress: string };
}
