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
import { formatTable } from './recognition-table.ts';

/** `wanwu recognize`: the app's pipeline on photos from the command line. */
export const recognize: Command = {
  summary: 'recognise what is in photos (the same models and pipeline as the app)',
  usage: '[--json] [--ocr] [--min-score S] <image...>',
  async run(args) {
    const { json, ocr, minScore, files } = parseOptions(args);
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
    try {
      for (const file of files) {
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

function parseOptions(args: string[]): { json: boolean; ocr: boolean; minScore: number | undefined; files: string[] } {
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
  return { json: values.json, ocr: values.ocr, minScore: raw === undefined ? undefined : parseScore(raw), files: positionals };
}

function parseScore(raw: string): number {
  const score = Number(raw);
  if (raw.trim() === '' || !(score >= 0 && score <= 1)) throw new UsageError(`--min-score must be a number from 0 to 1, not "${raw}"`);
  return score;
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
