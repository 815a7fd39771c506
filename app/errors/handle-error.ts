import type { RecognitionErrorCode } from '../../models/pipeline/errors.ts';
import type { Messages } from '../i18n/messages.ts';

const codes: ReadonlySet<string> = new Set<RecognitionErrorCode>([
  'not-an-image',
  'unsupported-format',
  'corrupt-image',
  'image-too-large',
  'model-unavailable',
  'inference-failed',
]);

export interface UserFacingError {
  code: RecognitionErrorCode;
  message: string;
}

/** The stable code of any error: its own `.code` when it carries a known one, else `inference-failed`. */
export function errorCode(error: unknown): RecognitionErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.has(code) ? (code as RecognitionErrorCode) : 'inference-failed';
}

/** The one place an error becomes what people read: a message chosen by code, in their language. */
export function handleError(error: unknown, t: Messages): UserFacingError {
  const code = errorCode(error);
  return { code, message: t.errors[code] };
}
