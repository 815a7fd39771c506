import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** What a folder walk takes: the formats Wanwu on Node decodes (server/inference/decode-image.ts). */
const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

/** Where `args` point: each file as given, and how many files the folder walks passed over. */
export interface PhotoPaths {
  files: string[];
  skipped: number;
}

/**
 * The photos a command line names, in order: a file as given (a missing or unreadable one is
 * reported when it is read), a folder walked recursively for JPEG and PNG files (sorted, other
 * files counted as skipped), and `-` standing for the paths on standard input, one a line. Paths
 * on standard input are how 10,000 photos get past a shell's argument limit.
 */
export async function photoPaths(args: readonly string[], stdin: Readable): Promise<PhotoPaths> {
  const found: PhotoPaths = { files: [], skipped: 0 };
  for (const arg of args) {
    if (arg === '-') {
      for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) if (line.trim()) found.files.push(line.trim());
    } else if (await isFolder(arg)) {
      const walked = await photosIn(arg);
      found.files.push(...walked.files);
      found.skipped += walked.skipped;
    } else {
      found.files.push(arg);
    }
  }
  return found;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function photosIn(folder: string): Promise<PhotoPaths> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() || entry.isSymbolicLink()).map((entry) => join(entry.parentPath, entry.name));
  const photos = files.filter((file) => PHOTO_EXTENSIONS.has(extname(file).toLowerCase()));
  return { files: photos.sort(), skipped: files.length - photos.length };
}
