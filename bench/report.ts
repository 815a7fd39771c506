import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where every benchmark writes its JSON (git-ignored). */
export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** A Markdown table, so the output pastes straight into the README or an issue note. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export async function writeResult(name: string, result: unknown): Promise<string> {
  const path = join(resultsDir, `${name}.json`);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

export const fixed = (value: number, digits = 3) => value.toFixed(digits);
export const signed = (value: number, digits = 3) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
