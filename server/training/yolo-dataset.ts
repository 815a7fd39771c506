import { readdir, readFile } from 'node:fs/promises';
import { extname, join, parse } from 'node:path';

/**
 * A YOLO-labelled folder: `images/`, `labels/NAME.txt` with one `class cx cy w h` line per object
 * and `names.txt` (one class name a line, in class-index order). An image without a label file is
 * a background image: no class is present.
 */
export interface LabelledImage {
  file: string;
  path: string;
  /** Names of the classes present at least once. */
  classes: Set<string>;
}

export interface YoloDataset {
  names: string[];
  images: LabelledImage[];
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.gif']);

/** The folder is not a YOLO-labelled set: the message says what is wrong, for people to fix. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

export async function readYoloDataset(dir: string): Promise<YoloDataset> {
  const notYolo = (what: string) => (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new DatasetError(`${dir} has no ${what}: a YOLO folder holds images/, labels/ and names.txt`);
    throw error;
  };
  const names = (await readFile(join(dir, 'names.txt'), 'utf8').catch(notYolo('names.txt'))).split('\n').map((line) => line.trim()).filter(Boolean);
  const files = (await readdir(join(dir, 'images')).catch(notYolo('images/ folder'))).filter((file) => IMAGE_EXTENSIONS.has(extname(file).toLowerCase())).sort();
  const images = await Promise.all(
    files.map(async (file) => {
      const labels = await readFile(join(dir, 'labels', `${parse(file).name}.txt`), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      return { file, path: join(dir, 'images', file), classes: classesInLabels(labels, names, file) };
    }),
  );
  return { names, images };
}

/** The class names a label file mentions; a malformed line is an error, never silently dropped. */
export function classesInLabels(text: string, names: readonly string[], file = 'labels'): Set<string> {
  const classes = new Set<string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const fields = line.trim().split(/\s+/);
    const index = Number(fields[0]);
    if (fields.length !== 5 || !Number.isInteger(index) || !(index in names)) {
      throw new DatasetError(`${file}: line ${i + 1} is not "class cx cy w h" with a class in names.txt: ${line}`);
    }
    classes.add(names[index]);
  }
  return classes;
}
