import { describe, expect, it } from 'vitest';
import { sha256Hex, verifyBundleFile } from './bundle.ts';
import { RecognitionError } from './errors.ts';

const abc = new TextEncoder().encode('abc');
const abcHash = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('bundle files', () => {
  it('hashes with SHA-256 as lower-case hex', async () => {
    expect(await sha256Hex(abc)).toBe(abcHash);
    expect(await sha256Hex(new Uint8Array([0, ...abc]).subarray(1))).toBe(abcHash);
  });

  it('accepts a file whose size and hash match the manifest', async () => {
    await expect(verifyBundleFile({ path: 'detector.onnx', sha256: abcHash, bytes: 3 }, abc)).resolves.toBeUndefined();
  });

  it('refuses a file of another size or content, naming it', async () => {
    const wrongSize = verifyBundleFile({ path: 'detector.onnx', sha256: abcHash, bytes: 4 }, abc);
    await expect(wrongSize).rejects.toBeInstanceOf(RecognitionError);
    await expect(wrongSize).rejects.toMatchObject({ code: 'model-unavailable', message: expect.stringContaining('detector.onnx') });
    const tampered = verifyBundleFile({ path: 'classifier.onnx', sha256: abcHash, bytes: 3 }, new TextEncoder().encode('abd'));
    await expect(tampered).rejects.toMatchObject({ code: 'model-unavailable', message: expect.stringMatching(/classifier\.onnx.*sha256/) });
  });
});
