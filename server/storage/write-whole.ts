import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path`, creating its folder. The bytes are written and flushed under a
 * temporary name beside it, then put under their own: the name only ever shows whole bytes, even
 * after a crash or a power cut. With `replace` they are renamed into place (always true); without,
 * they are linked, which (unlike rename) never replaces a file another request stored first, and
 * the answer is false when the name was already taken.
 */
export async function writeWhole(path: string, bytes: Uint8Array, { replace }: { replace: boolean }): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.datasync();
    await handle.close();
    await (replace ? rename : link)(temp, path);
    return true;
  } catch (error) {
    if (!replace && (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
  }
}
