import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { levenshtein, similarity } from '../models/pipeline/ocr/similarity.ts';
import { ocrDir } from './env.ts';

/**
 * The OCR fixtures' truth.json, and when a line counts as read: one rule for the accuracy test
 * (server/inference/ocr.test.ts) and the benchmark (bench/ocr.ts).
 */

/** The text expected in one photo, and how sure that is. */
export interface TruthItem {
  file: string;
  kind: string;
  truth: 'checked' | 'transcribed-unverified';
  lines: string[];
}

/** The truth of an OCR set laid out like the fixtures (`truth.json` beside its images). */
export async function readTruth(dir = ocrDir): Promise<TruthItem[]> {
  return JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')).items;
}

/** The woodblock scan's old characters may be read as their simplified forms: up to two edits. */
export const WOODBLOCK = 'text_vertical_words.png';
/**
 * The screenshot's expected line is RapidOCR's reading of it, and RapidOCR's own test
 * (python/tests/test_main.py, test_letterbox_like) compares it lowercased: it expects
 * "CUDAeXecution" where the screenshot says "CUDA execution".
 */
export const COMPARED_LOWERCASED = 'test_letterbox_like.jpg';
/** An unverified line is found when some line read is at least this similar to it. */
export const FOUND_SIMILARITY = 0.8;

/** Full-width and half-width forms read alike (（ and (, ／ and /): people would not tell them apart. */
const fold = (text: string) => text.normalize('NFKC').replace(/\s+/g, ' ').trim();

/** How close the best of `texts` comes to `expected` (character-level similarity, folded). */
export function bestSimilarity(expected: string, texts: readonly string[]): number {
  return Math.max(0, ...texts.map((text) => similarity(fold(text), fold(expected))));
}

/** Whether the lines read from `item`'s photo include `expected`, by the rule its truth asks for. */
export function isRead(item: TruthItem, expected: string, texts: readonly string[]): boolean {
  if (item.truth === 'transcribed-unverified') return bestSimilarity(expected, texts) >= FOUND_SIMILARITY;
  if (item.file === WOODBLOCK) return texts.some((text) => levenshtein(text, expected) <= 2);
  if (item.file === COMPARED_LOWERCASED) return texts.some((text) => text.toLowerCase() === expected.toLowerCase());
  return texts.includes(expected);
}
