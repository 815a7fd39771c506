import type { AdminTagQuality } from '../../server/contract/admin.ts';
import { tagName, type Language } from '../i18n/language.ts';

/** How the per-tag table can be sorted; a column clicked twice turns its order round. */
export type TagColumn = 'tag' | 'precision' | 'recall' | 'support';

export interface TagSort {
  column: TagColumn;
  descending: boolean;
}

/** Numbers from best to worst by default; tags without data (null) always last, whatever the order. */
export function sortTags(tags: readonly AdminTagQuality[], { column, descending }: TagSort, language: Language): AdminTagQuality[] {
  const sign = descending ? -1 : 1;
  return [...tags].sort((a, b) => {
    if (column === 'tag') return sign * tagName(a, language).localeCompare(tagName(b, language), language);
    const [x, y] = [a[column], b[column]];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (x - y);
  });
}

/** Clicking a column: the same one flips, a new one starts descending (numbers) or ascending (names). */
export function nextSort(current: TagSort, column: TagColumn): TagSort {
  return column === current.column ? { column, descending: !current.descending } : { column, descending: column !== 'tag' };
}
