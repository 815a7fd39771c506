import { en } from './en.ts';
import type { Messages } from './messages.ts';
import { zhCN } from './zh-CN.ts';

export type Language = 'zh' | 'en';

export const dictionaries: Readonly<Record<Language, Messages>> = { zh: zhCN, en };

/** `zh*` → Chinese, anything else → English; null when the tag names no language. */
function fromTag(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  return tag.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/**
 * The language to show: `?lang=` in the address wins, then the browser's first preferred
 * language; English when neither says anything.
 */
export function chooseLanguage(search: string, browserLanguages: readonly string[]): Language {
  return fromTag(new URLSearchParams(search).get('lang')) ?? fromTag(browserLanguages[0]) ?? 'en';
}

/** The address with `?lang=` set, so a reload or a shared link keeps the choice. */
export function withLanguage(href: string, language: Language): string {
  const url = new URL(href);
  url.searchParams.set('lang', language);
  return url.href;
}

/** A tag's name in the given language. */
export function tagName(tag: { zh: string; en: string }, language: Language): string {
  return language === 'zh' ? tag.zh : tag.en;
}
