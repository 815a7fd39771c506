import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from './contract/sync.ts';

export type { ErrorBody };

/**
 * The server's one error type: a status, a stable machine-readable code, a message for people,
 * and the headers the status calls for (`WWW-Authenticate` on 401, `Retry-After` on 429).
 */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}
