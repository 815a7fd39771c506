/** Why a photo could not be recognised; `code` is stable, `message` is for people. */
export type RecognitionErrorCode =
  | 'not-an-image'
  | 'unsupported-format'
  | 'corrupt-image'
  | 'image-too-large'
  | 'model-unavailable'
  | 'inference-failed';

export class RecognitionError extends Error {
  override readonly name = 'RecognitionError';
  constructor(
    readonly code: RecognitionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Errors as data, for crossing worker and process boundaries. */
export interface ErrorData {
  code: RecognitionErrorCode;
  message: string;
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof RecognitionError) return { code: error.code, message: error.message };
  return { code: 'inference-failed', message: messageOf(error) };
}

/** What went wrong, in words, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
