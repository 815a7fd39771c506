import { tagName, type Language } from '../i18n/language.ts';

export type TagNames = ReadonlyMap<string, { zh: string; en: string }>;

/** A tag key as people read it: its vocabulary name in their language, or a free-text tag's own text. */
export function keyName(names: TagNames, tagKey: string, language: Language): string {
  const known = names.get(tagKey);
  return known ? tagName(known, language) : tagKey.replace(/^text:/, '');
}
