import { RecognitionError } from './errors.ts';
import type { BundleFile } from './manifest.ts';

/** Lower-case hex SHA-256 (WebCrypto, present in browsers, workers and Node). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A bundle file is used only when its size and hash are the manifest's; otherwise it is refused, by name. */
export async function verifyBundleFile(file: BundleFile, bytes: Uint8Array): Promise<void> {
  if (bytes.length !== file.bytes) {
    throw new RecognitionError(
      'model-unavailable',
      `Model file ${file.path} is ${bytes.length} bytes, the manifest expects ${file.bytes}: incomplete or not this bundle's`,
    );
  }
  const actual = await sha256Hex(bytes);
  if (actual !== file.sha256) {
    throw new RecognitionError(
      'model-unavailable',
      `Model file ${file.path} has sha256 ${actual}, the manifest expects ${file.sha256}: damaged or not this bundle's`,
    );
  }
}
