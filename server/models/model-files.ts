import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWhole } from '../storage/write-whole.ts';
import { sha256Hex } from './bundle-store.ts';

/** The bundle files the model registry keeps, each once, named by its sha256: `<dataDir>/models/files/<sha256>`. */
export interface ModelFiles {
  /** Where the file with this hash is (whether or not it is there). */
  pathOf(sha256: string): string;
  /** Stores the bytes under their hash unless that file already holds them; returns the hash. */
  write(bytes: Uint8Array): Promise<string>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function createModelFiles(dataDir: string): ModelFiles {
  const root = join(dataDir, 'models', 'files');

  function pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new TypeError('a model file is named by 64 lowercase hex characters');
    return join(root, sha256);
  }

  return {
    pathOf,

    async write(bytes) {
      const sha256 = sha256Hex(bytes);
      const path = pathOf(sha256);
      const stored = await readFile(path).catch(() => null);
      if (stored && sha256Hex(stored) === sha256) return sha256;
      // Replacing a damaged copy (or a twin another process wrote) with the same content is harmless.
      await writeWhole(path, bytes, { replace: true });
      return sha256;
    },
  };
}
