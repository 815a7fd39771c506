import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../../api-error.ts';

/** 413 past `maxBytes`: refused from Content-Length up front, or as soon as a streamed body passes it. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'payload-too-large', `This request's body is limited to ${maxBytes} bytes`);
    },
  });
}
