import type { Recognition } from '../../models/pipeline/types.ts';

/** A header line per photo, then one row per tag, aligned for a terminal (CJK counts double). */
export function formatTable(file: string, result: Recognition): string {
  const header = `${file}  (model ${result.model}, ${result.provider}, ${Math.round(result.timings.total)} ms)`;
  if (result.tags.length === 0) return `${header}\n  no tags\n\n`;
  const rows = [
    ['tag', '', 'score', 'shown', 'boxes'],
    ...result.tags.map((tag) => [tag.zh, tag.en, tag.score.toFixed(3), tag.shown ? 'yes' : 'no', String(tag.boxes?.length ?? 0)]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column]))));
  const lines = rows.map((row) => '  ' + row.map((cell, column) => pad(cell, widths[column], column === 2 || column === 4)).join('  ').trimEnd());
  return `${header}\n${lines.join('\n')}\n\n`;
}

function pad(cell: string, width: number, right: boolean): string {
  const fill = ' '.repeat(width - displayWidth(cell));
  return right ? fill + cell : cell + fill;
}

/** Terminal columns: East Asian wide characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}
