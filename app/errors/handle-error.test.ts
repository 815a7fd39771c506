import { describe, expect, it } from 'vitest';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import { en } from '../i18n/en.ts';
import { zhCN } from '../i18n/zh-CN.ts';
import { errorCode, handleError } from './handle-error.ts';

describe('handleError', () => {
  it('turns a recognition error into the message for its code, in the current language', () => {
    const error = new RecognitionError('corrupt-image', 'This JPEG file is damaged (it is truncated)');
    expect(handleError(error, en)).toEqual({ code: 'corrupt-image', message: "This image is damaged or incomplete and can't be read." });
    expect(handleError(error, zhCN)).toEqual({ code: 'corrupt-image', message: '这张图片已损坏或不完整，无法读取。' });
  });

  it('gives every code its own message', () => {
    const codes = ['not-an-image', 'unsupported-format', 'corrupt-image', 'image-too-large', 'model-unavailable', 'inference-failed'] as const;
    const messages = codes.map((code) => handleError(new RecognitionError(code, 'x'), en).message);
    expect(new Set(messages).size).toBe(codes.length);
  });

  it('accepts any object with a known code, as errors rebuilt after crossing the worker boundary are', () => {
    expect(errorCode({ code: 'image-too-large', message: 'big' })).toBe('image-too-large');
  });

  it('reads anything else as a failed recognition, never showing raw text', () => {
    for (const error of [new TypeError('x is undefined'), { code: 'ENOENT' }, 'boom', null, undefined]) {
      expect(handleError(error, en)).toEqual({ code: 'inference-failed', message: en.errors['inference-failed'] });
    }
  });
});
