import { describe, expect, it } from 'vitest';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import { en } from '../i18n/en.ts';
import { StorageFullError } from '../store/local-store.ts';
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
    const messages = [
      ...codes.map((code) => handleError(new RecognitionError(code, 'x'), en).message),
      handleError(new StorageFullError('quota'), en).message,
      handleError({ code: 'storage-unavailable' }, en).message,
    ];
    expect(new Set(messages).size).toBe(codes.length + 2);
  });

  it('accepts any object with a known code, as errors rebuilt after crossing the worker boundary are', () => {
    expect(errorCode({ code: 'image-too-large', message: 'big' })).toBe('image-too-large');
  });

  it('reads anything else as a failed recognition, never showing raw text', () => {
    for (const error of [new TypeError('x is undefined'), { code: 'ENOENT' }, 'boom', null, undefined]) {
      expect(handleError(error, en)).toEqual({ code: 'inference-failed', message: en.errors['inference-failed'] });
    }
  });

  it('tells people feedback cannot be kept when the device is out of space, in both languages', () => {
    const error = new StorageFullError('QuotaExceededError and nothing left to free');
    expect(handleError(error, en).code).toBe('storage-full');
    expect(handleError(error, en).message).toMatch(/storage|space/i);
    expect(handleError(error, zhCN).message).toMatch(/空间/);
  });

  it('reads an unknown failure of a store operation as unavailable storage when the caller says so', () => {
    const error = new DOMException('The operation failed for reasons unrelated to the database itself', 'UnknownError');
    expect(handleError(error, en, 'storage-unavailable')).toEqual({ code: 'storage-unavailable', message: en.errors['storage-unavailable'] });
    expect(errorCode(new StorageFullError('full'), 'storage-unavailable')).toBe('storage-full');
  });
});
