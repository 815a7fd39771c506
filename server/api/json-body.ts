import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../api-error.ts';

/**
 * The request's JSON body checked against `schema`: 415 unless it is sent as JSON (which also
 * makes browsers ask before a cross-origin post), 400 `invalid-json` when it does not parse,
 * 400 `bad-request` naming the first wrong field, 413 `payload-too-large` when that field has
 * too much in it (more events than a batch holds).
 */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const parsed = schema.safeParse(await parseJson(c));
  if (parsed.success) return parsed.data;
  if (parsed.error.issues[0].code === 'too_big') throw new ApiError(413, 'payload-too-large', describeIssue(parsed.error));
  throw new ApiError(400, 'bad-request', describeIssue(parsed.error));
}

/** The request's body as JSON, with no shape checked yet. */
async function parseJson(c: Context): Promise<unknown> {
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError(415, 'unsupported-media-type', 'Send the body as application/json');
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid-json', 'The body is not valid JSON');
  }
}

/** The first problem, led by the field it is in, e.g. `tag.id: Too small: expected string to have >=1 characters`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
