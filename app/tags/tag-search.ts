import type { VocabularyTag } from '../../models/pipeline/manifest.ts';
import { normaliseTagText } from '../../models/pipeline/tag-text.ts';
import { MAX_TAG_TEXT, tagKey, type TagRef } from '../../server/contract/feedback-event.ts';

/**
 * Autocomplete for "Add tag": the bundle's vocabulary and the person's own free-text tags, found by
 * Chinese, English or pinyin. Everything lower-cased and split once when the index is built, so a
 * keystroke is one pass of string tests over ~1,000 entries.
 */

/** Which name the query matched; `guess`: the query was empty and the model proposed the tag. */
export type MatchField = 'zh' | 'en' | 'pinyin' | 'guess';

export interface TagSuggestion {
  tag: TagRef;
  /** `tagKey(tag)`. */
  key: string;
  en: string;
  zh: string;
  match: MatchField;
}

/** A tag the model gave this photo without showing it (below its threshold). */
export interface TagGuess {
  id: string;
  score: number;
}

export interface SearchOptions {
  /** The model's lower-scored guesses for this photo: first among equally good matches. */
  guesses?: readonly TagGuess[];
  /** Keys of the tags the photo already has. */
  exclude?: ReadonlySet<string>;
}

export interface TagIndex {
  search(query: string, options?: SearchOptions, limit?: number): TagSuggestion[];
  /** The vocabulary or user tag whose name is exactly this normalised text. */
  named(normalised: string): TagRef | undefined;
}

interface Entry {
  tag: TagRef;
  key: string;
  en: string;
  zh: string;
  enNorm: string;
  zhNorm: string;
  /** Toneless syllables of the Han characters of `zh`; empty when unknown. */
  syllables: readonly string[];
  initials: string;
  /** Position in the index: the vocabulary's own order breaks the last ties. */
  order: number;
}

/** How well a query matches, best first. */
const Tier = { Exact: 0, Prefix: 1, WordPrefix: 2, Substring: 3 } as const;
type Tier = (typeof Tier)[keyof typeof Tier];

interface Hit {
  entry: Entry;
  tier: Tier;
  match: MatchField;
  length: number;
}

const han = /\p{Script=Han}/u;
const pinyinQuery = /^[a-z ]+$/;

/** Builds the index; `userTags` are the texts of the person's earlier free-text tags. */
export function createTagIndex(vocabulary: readonly VocabularyTag[], userTags: Iterable<string> = []): TagIndex {
  const entries: Entry[] = [];
  const byKey = new Map<string, Entry>();
  const byName = new Map<string, Entry>();
  const add = (tag: TagRef, en: string, zh: string, syllables: readonly string[]) => {
    const entry: Entry = {
      tag,
      key: tagKey(tag),
      en,
      zh,
      enNorm: normaliseTagText(en),
      zhNorm: normaliseTagText(zh),
      syllables,
      initials: syllables.map((syllable) => syllable[0]).join(''),
      order: entries.length,
    };
    entries.push(entry);
    byKey.set(entry.key, entry);
    for (const name of [entry.zhNorm, entry.enNorm]) if (!byName.has(name)) byName.set(name, entry);
  };

  for (const tag of vocabulary) add({ id: tag.id }, tag.en, tag.zh, tag.pinyin?.split(' ') ?? []);
  const readings = readingsOf(vocabulary);
  for (const raw of userTags) {
    const text = normaliseTagText(raw);
    // Skips an earlier spelling of the same tag, and a name the vocabulary already has.
    if (text && !byName.has(text)) add({ text }, text, text, syllablesOf(text, readings));
  }

  return {
    search: (query, options = {}, limit = 8) => search({ entries, byKey }, query, options, limit),
    named: (normalised) => byName.get(normalised)?.tag,
  };
}

/**
 * What people type into "Add tag", as the tag to record: a vocabulary tag when the text is one of
 * its names (in either language, any width or case), an earlier free-text tag, or a new one.
 * Null when nothing is left after normalising, or when it is longer than the contract allows.
 */
export function resolveTagInput(text: string, index: TagIndex): TagRef | null {
  const normalised = normaliseTagText(text);
  if (!normalised || normalised.length > MAX_TAG_TEXT) return null;
  return index.named(normalised) ?? { text: normalised };
}

/**
 * Each Han character's reading as the vocabulary spells it, so a person's own tag made of known
 * characters (金毛) is found by pinyin too, without shipping a dictionary. Other tags match by text.
 */
function readingsOf(vocabulary: readonly VocabularyTag[]): Map<string, string> {
  const readings = new Map<string, string>();
  for (const tag of vocabulary) {
    const characters = [...tag.zh].filter((character) => han.test(character));
    const syllables = tag.pinyin?.split(' ') ?? [];
    if (characters.length !== syllables.length) continue;
    characters.forEach((character, i) => readings.has(character) || readings.set(character, syllables[i]));
  }
  return readings;
}

function syllablesOf(text: string, readings: ReadonlyMap<string, string>): string[] {
  const syllables = [...text].filter((character) => han.test(character)).map((character) => readings.get(character));
  return syllables.every((syllable) => syllable !== undefined) ? (syllables as string[]) : [];
}

function search(
  { entries, byKey }: { entries: readonly Entry[]; byKey: ReadonlyMap<string, Entry> },
  query: string,
  { guesses = [], exclude = new Set() }: SearchOptions,
  limit: number,
): TagSuggestion[] {
  const guessScore = new Map(guesses.map((guess) => [guess.id, guess.score]));
  const boost = (entry: Entry) => guessScore.get(entry.key) ?? -1;
  const q = normaliseTagText(query);
  const hits = q
    ? entries.flatMap((entry) => (exclude.has(entry.key) ? [] : (matchEntry(entry, q) ?? [])))
    : // Before anything is typed: the model's own guesses, as the likeliest missing tags.
      guesses.flatMap(({ id }) => {
        const entry = byKey.get(id);
        return entry && !exclude.has(id) ? [{ entry, tier: Tier.Exact, match: 'guess' as const, length: 0 }] : [];
      });
  hits.sort(
    (a, b) => a.tier - b.tier || boost(b.entry) - boost(a.entry) || a.length - b.length || a.entry.order - b.entry.order,
  );
  return hits.slice(0, limit).map(({ entry, match }) => ({ tag: entry.tag, key: entry.key, en: entry.en, zh: entry.zh, match }));
}

/** The entry's best match for the normalised query, if any. */
function matchEntry(entry: Entry, q: string): Hit | undefined {
  const hits: Hit[] = [];
  const zh = textTier(entry.zhNorm, q, false);
  if (zh !== undefined) hits.push({ entry, tier: zh, match: 'zh', length: entry.zh.length });
  const en = textTier(entry.enNorm, q, true);
  if (en !== undefined) hits.push({ entry, tier: en, match: 'en', length: entry.en.length });
  const pinyin = pinyinQuery.test(q) ? pinyinTier(entry, q.replaceAll(' ', '')) : undefined;
  if (pinyin !== undefined) hits.push({ entry, tier: pinyin, match: 'pinyin', length: entry.zh.length });
  return hits.reduce<Hit | undefined>((best, hit) => (!best || hit.tier < best.tier ? hit : best), undefined);
}

function textTier(name: string, q: string, words: boolean): Tier | undefined {
  if (name === q) return Tier.Exact;
  if (name.startsWith(q)) return Tier.Prefix;
  const at = name.indexOf(q);
  if (at < 0) return undefined;
  // English names are words: "retr" finds "golden retriever" ahead of a name that merely contains it.
  return words && /[^\p{L}\p{N}]/u.test(name[at - 1]) ? Tier.WordPrefix : Tier.Substring;
}

/**
 * Pinyin, spaces ignored, read as whole syllables and, at the end, the start of one, from the
 * name's first syllable ("gou" → 狗, "jinmao" → 金毛寻回犬) or a later one ("xunhui", a weaker
 * match). Initials ("jmxhq") are the weakest match.
 */
function pinyinTier(entry: Entry, q: string): Tier | undefined {
  const { syllables } = entry;
  for (let start = 0; start < syllables.length; start++) {
    const read = readsFrom(syllables, start, q);
    if (read) return start > 0 ? Tier.WordPrefix : read === 'all' ? Tier.Exact : Tier.Prefix;
  }
  return q.length >= 2 && entry.initials.startsWith(q) ? Tier.Substring : undefined;
}

/** Whether `q` spells the syllables from `start` on: all the rest, or only the first few. */
function readsFrom(syllables: readonly string[], start: number, q: string): 'all' | 'some' | undefined {
  let rest = q;
  for (let i = start; i < syllables.length; i++) {
    const syllable = syllables[i];
    if (syllable.startsWith(rest)) return rest === syllable && i === syllables.length - 1 ? 'all' : 'some';
    if (!rest.startsWith(syllable)) return undefined;
    rest = rest.slice(syllable.length);
  }
  return undefined; // longer than the name
}
