import type { z } from 'zod';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import {
  DeviceRegistrationSchema,
  PhotoUploadResponseSchema,
  SyncResponseSchema,
  type DeviceRegistration,
  type PhotoUploadResponse,
  type SyncResponse,
} from '../../server/contract/sync.ts';
import { retryAfterMs } from './backoff.ts';

/**
 * The only module that speaks HTTP to the sync API. Every answer is parsed with the server's own
 * schemas; every failure comes back as data with a code, never as a thrown error.
 */

/**
 * Why a request did not succeed. `unauthorized` (the server forgot this device) and `too-large`
 * (a batch over the body limit) are handled by the drain; the others are shown in Settings.
 */
export type SyncErrorCode =
  | 'offline'
  | 'unreachable'
  | 'server-error'
  | 'rate-limited'
  | 'unauthorized'
  | 'too-large'
  | 'refused'
  | 'bad-response';

export interface SyncFailure {
  code: SyncErrorCode;
  /** For `rate-limited`: how long the server asked us to wait, when it said. */
  retryAfterMs?: number;
}

export type Answer<T> = { ok: true; body: T } | { ok: false; failure: SyncFailure };

export interface SyncApi {
  register(): Promise<Answer<DeviceRegistration>>;
  sync(token: string, events: FeedbackEvent[]): Promise<Answer<SyncResponse>>;
  putPhoto(token: string, id: string, image: Blob): Promise<Answer<PhotoUploadResponse>>;
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Same-origin by default: the Wanwu server serves both the app and the API. */
export function createSyncApi(fetch: Fetch, base = '/api/v1', now: () => number = Date.now): SyncApi {
  async function call<S extends z.ZodType>(path: string, init: RequestInit, schema: S): Promise<Answer<z.infer<S>>> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, init);
    } catch {
      return { ok: false, failure: { code: 'unreachable' } };
    }
    if (!response.ok) return { ok: false, failure: failureOf(response, now()) };
    const body = schema.safeParse(await response.json().catch(() => undefined));
    return body.success ? { ok: true, body: body.data } : { ok: false, failure: { code: 'bad-response' } };
  }

  const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  return {
    register: () => call('/devices', json({}), DeviceRegistrationSchema),
    sync: (token, events) => call('/sync', json({ events }, bearer(token)), SyncResponseSchema),
    putPhoto: (token, id, image) =>
      call(`/photos/${id}`, { method: 'PUT', headers: { ...bearer(token), 'Content-Type': 'image/jpeg' }, body: image }, PhotoUploadResponseSchema),
  };
}

function failureOf(response: Response, now: number): SyncFailure {
  const { status } = response;
  if (status === 401) return { code: 'unauthorized' };
  if (status === 413) return { code: 'too-large' };
  if (status === 429) {
    const wait = retryAfterMs(response.headers.get('Retry-After'), now);
    return wait === null ? { code: 'rate-limited' } : { code: 'rate-limited', retryAfterMs: wait };
  }
  // A proxy's 502/503/504 while the server restarts is as temporary as a 500.
  return { code: status >= 500 ? 'server-error' : 'refused' };
}
