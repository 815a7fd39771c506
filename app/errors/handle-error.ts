import type { RecognitionErrorCode } from '../../models/pipeline/errors.ts';
import type { Messages } from '../i18n/messages.ts';
import type { StorageFullError } from '../store/local-store.ts';

/**
 * Every code people can be told about: why a photo could not be recognised, and why feedback
 * could not be kept on the device (full storage; storage that does not work at all, as in some
 * private windows).
 */
export type AppErrorCode = RecognitionErrorCode | StorageFullError['code'] | 'storage-unavailable';

const codes: ReadonlySet<string> = new Set<AppErrorCode>([
  'not-an-image',
  'unsupported-format',
  'corrupt-image',
  'image-too-large',
  'model-unavailable',
  'inference-failed',
  'storage-full',
  'storage-unavailable',
]);

export interface UserFacingError {
  code: AppErrorCode;
  message: string;
}

/**
 * The stable code of any error: its own `.code` when it carries a known one, else `fallback`,
 * which names what the failed operation was (recognising, unless the caller says otherwise).
 */
export function errorCode(error: unknown, fallback: AppErrorCode = 'inference-failed'): AppErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.has(code) ? (code as AppErrorCode) : fallback;
}

/** The one place an error becomes what people read: a message chosen by code, in their language. */
export function handleError(error: unknown, t: Messages, fallback?: AppErrorCode): UserFacingError {
  const code = errorCode(error, fallback);
  return { code, message: t.errors[code] };
}
