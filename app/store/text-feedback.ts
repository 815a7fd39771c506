import type { TextLine } from '../../models/pipeline/ocr/read-text.ts';
import type { Point } from '../../models/pipeline/ocr/quad.ts';
import type { FeedbackRecord, TextCorrection } from './local-store.ts';

/**
 * Which read line a `text-corrected` act is about: its text as read and its box, to the pixel (the
 * event carries both, and a photo may show the same words twice in different places).
 */
export function textLineKey(original: string, box: readonly Point[]): string {
  return `${original}\n${box.map(([x, y]) => `${Math.round(x)},${Math.round(y)}`).join(' ')}`;
}

/** A photo's text acts that were not undone, replayed in the order they happened: the latest per line stands. */
export function foldTextFeedback(records: readonly FeedbackRecord[]): Map<string, TextCorrection> {
  const lines = new Map<string, TextCorrection>();
  const acts = records.filter((record) => !record.undone).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const { id, event } of acts) {
    if (event.type !== 'text-corrected') continue;
    lines.set(textLineKey(event.original, event.box), { corrected: event.corrected, feedbackId: id });
  }
  return lines;
}

/** What each line says: the person's correction where they made one, else as read. */
export function correctedLines(lines: readonly TextLine[], corrections: ReadonlyMap<string, TextCorrection>): string[] {
  return lines.map((line) => corrections.get(textLineKey(line.text, line.box))?.corrected ?? line.text);
}

/**
 * Text as search compares it: NFKC makes full-width and half-width forms one (ＡＢＣ１ → ABC1,
 * ｶﾀｶﾅ → カタカナ, the ideographic space → a space), then lower case.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** A photo's search text (schema v4 `textSearch`): its lines as corrected, folded, one per line so a match never spans two. */
export function searchTextOf(lines: readonly TextLine[], corrections: ReadonlyMap<string, TextCorrection>): string {
  return foldForSearch(correctedLines(lines, corrections).join('\n'));
}
