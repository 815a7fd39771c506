import { readFile } from 'node:fs/promises';
import { toErrorData } from '../../models/pipeline/errors.ts';
import type { TextLine } from '../../models/pipeline/ocr/read-text.ts';
import type { TextReader } from '../../models/pipeline/ocr/text-reader.ts';
import type { Recognizer } from '../../models/pipeline/recognize.ts';
import type { Recognition } from '../../models/pipeline/types.ts';
import { decodeImage } from '../inference/decode-image.ts';
import { decodeOnce } from '../inference/decode-once.ts';
import { serverPaths } from '../paths.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';
import { photoPaths } from './photo-paths.ts';
import { formatTable } from './recognition-table.ts';

/** `wanwu recognize`: the app's pipeline on photos from the command line. */
export const recognize: Command = {
  summary: 'recognise what is in photos (the same models and pipeline as the app)',
  usage: '[--json] [--ocr] [--min-score S] <photo | folder | - ...>   (- reads paths from standard input, one a line)',
  async run(args) {
    const { json, ocr, minScore, inputs } = parseOptions(args);
    const { files, skipped } = await photoPaths(inputs, process.stdin);
    if (skipped > 0) process.stderr.write(`wanwu: skipped ${skipped} file${skipped === 1 ? '' : 's'} in the folders that are not JPEG or PNG\n`);
    let recognizer: Recognizer;
    let reader: TextReader | undefined;
    try {
      // Loaded on use: onnxruntime is heavy, and usage errors and --help should be instant.
      const { loadRecognizer } = await import('../inference/recognizer.ts');
      const { bundleDir } = serverPaths();
      // The tags and the text of a photo come from one decode of its bytes.
      const decode = decodeOnce(decodeImage);
      recognizer = await loadRecognizer(bundleDir, { decode });
      if (ocr) {
        const { loadTextReader } = await import('../inference/ocr.ts');
        reader = await loadTextReader(bundleDir, { decode }).catch(async (error: unknown) => {
          await recognizer.release();
          throw error;
        });
      }
    } catch (error) {
      process.stderr.write(`wanwu: ${toErrorData(error).message}\n`);
      return 1;
    }
    let failed = 0;
    const progress = progressReporter(files.length);
    try {
      for (const [done, file] of files.entries()) {
        progress(done);
        try {
          const bytes = await readImage(file);
          const result = await recognizer.recognize(bytes, { minScore });
          const text = reader && (await reader.read(bytes)).lines;
          process.stdout.write(json ? `${JSON.stringify(toJsonLine(file, result, text))}\n` : formatTable(file, result) + formatText(text));
        } catch (error) {
          failed++;
          process.stderr.write(`wanwu: ${file}: ${toErrorData(error).message}\n`);
        }
      }
    } finally {
      await Promise.all([recognizer.release(), reader?.release()]);
    }
    return failed > 0 ? 1 : 0;
  },
};

function parseOptions(args: string[]): { json: boolean; ocr: boolean; minScore: number | undefined; inputs: string[] } {
  const { values, positionals } = parseCommandArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      ocr: { type: 'boolean', default: false },
      'min-score': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('no image given');
  const raw = values['min-score'];
  return { json: values.json, ocr: values.ocr, minScore: raw === undefined ? undefined : parseScore(raw), inputs: positionals };
}

function parseScore(raw: string): number {
  const score = Number(raw);
  if (raw.trim() === '' || !(score >= 0 && score <= 1)) throw new UsageError(`--min-score must be a number from 0 to 1, not "${raw}"`);
  return score;
}

/** How often a long run says how far it is, on stderr (stdout stays one result per photo). */
const PROGRESS_EVERY_MS = 5000;

/** Call with the number of photos done before each photo; says so every PROGRESS_EVERY_MS. */
function progressReporter(total: number): (done: number) => void {
  const started = performance.now();
  let lastSaid = started;
  return (done) => {
    const now = performance.now();
    if (now - lastSaid < PROGRESS_EVERY_MS || done === 0) return;
    lastSaid = now;
    const perSecond = done / ((now - started) / 1000);
    const secondsLeft = (total - done) / perSecond;
    const left = secondsLeft < 60 ? 'under a minute' : `about ${Math.round(secondsLeft / 60)} min`;
    process.stderr.write(`wanwu: ${done} of ${total} photos, ${perSecond.toFixed(1)} a second, ${left} left\n`);
  };
}

async function readImage(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error('No such file');
    if (code === 'EISDIR') throw new Error('This is a folder, not an image');
    throw error;
  }
}

/** The `--json` line: a stable shape scripts (benchmarks, evaluation) parse; `text` only with `--ocr`. */
function toJsonLine(file: string, result: Recognition, text?: TextLine[]) {
  return {
    file,
    model: result.model,
    provider: result.provider,
    ms: Math.round(result.timings.total),
    tags: result.tags.map(({ id, en, zh, score, source, shown, boxes = [] }) => ({
      id, en, zh, score, source, shown,
      boxes: boxes.map(({ x, y, w, h, score }) => ({ x: tenth(x), y: tenth(y), w: tenth(w), h: tenth(h), score })),
    })),
    ...(text && { text: text.map(({ text, score, box }) => ({ text, score, box: box.map(([x, y]) => [tenth(x), tenth(y)]) })) }),
  };
}

/** The "Text found" section under a photo's table (nothing without `--ocr`). */
function formatText(lines: TextLine[] | undefined): string {
  if (!lines) return '';
  if (lines.length === 0) return '  Text found: none\n\n';
  return `  Text found:\n${lines.map(({ text, score }) => `    ${score.toFixed(3)}  ${text}\n`).join('')}\n`;
}

/** Box corners to a tenth of a pixel: finer is noise, and the lines stay readable. */
function tenth(value: number): number {
  return Math.round(value * 10) / 10;
}
