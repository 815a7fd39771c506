import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWhole } from './write-whole.ts';

/** The photos devices uploaded (with consent), one file per photo, named by its id. */
export interface PhotoFiles {
  has(id: string): Promise<boolean>;
  /** Writes the photo unless one is already stored under `id`; true when this call stored it. */
  write(id: string, bytes: Uint8Array): Promise<boolean>;
  /** The stored bytes, or null when there is no such photo. */
  read(id: string): Promise<Uint8Array | null>;
}

const PHOTO_ID = /^[0-9a-f]{64}$/;

/**
 * Content-addressed files under `<dataDir>/photos/<first 2 hex>/<id>.jpg` (256 folders keep each
 * one small). The id is checked before any path is built from it, so no request can name a path.
 */
export function createPhotoFiles(dataDir: string): PhotoFiles {
  const root = join(dataDir, 'photos');

  function pathOf(id: string): { dir: string; file: string } {
    if (!PHOTO_ID.test(id)) throw new TypeError('a photo id is 64 lowercase hex characters');
    const dir = join(root, id.slice(0, 2));
    return { dir, file: join(dir, `${id}.jpg`) };
  }

  async function has(id: string): Promise<boolean> {
    return (await stat(pathOf(id).file).catch(() => null))?.isFile() ?? false;
  }

  return {
    has,

    async write(id, bytes) {
      if (await has(id)) return false;
      // Linked, not renamed, into place: the first photo stored under an id stays.
      return writeWhole(pathOf(id).file, bytes, { replace: false });
    },

    async read(id) {
      const { file } = pathOf(id);
      return readFile(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
    },
  };
}
