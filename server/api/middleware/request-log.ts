import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { ApiEnv } from '../api-env.ts';

/**
 * One JSON line per request: method, path, matched route, status, duration and the device when
 * known. Headers are never logged: they carry the bearer tokens.
 */
export function requestLog(logger: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const start = performance.now();
    await next();
    logger.info({
      method: c.req.method,
      path: c.req.path,
      // After next(), the route of the last handler that ran: the one that answered.
      route: routePath(c),
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 100) / 100,
      deviceId: c.var.deviceId,
    }, 'request');
  };
}
