import { pinyinOf } from '../../models/build/pinyin.ts';
import type { VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { HeldBackReason } from '../contract/training.ts';

/** The prefix of a free-text tag's key (server/contract/feedback-event.ts tagKey). */
const TEXT = 'text:';
const HAN = /\p{Script=Han}/u;
const PINYIN = /^[a-z]+( [a-z]+)*$/;

/**
 * The vocabulary entries of a head about to be published, one per head tag in its order: a tag
 * the vocabulary already names keeps its names, a taught one is named by its own text; every one
 * gets the threshold calibrated for it. A base tag (named, not taught) is one the head corrects:
 * it says how many people's answers the correction learned from (`answerers`) and keeps the base
 * models' own threshold beside the new one.
 */
export function headVocabulary(
  tags: readonly string[],
  thresholds: ReadonlyMap<string, number>,
  vocabulary: readonly VocabularyTag[],
  answerers: ReadonlyMap<string, number>,
): VocabularyTag[] {
  const known = new Map(vocabulary.map((tag) => [tag.id, tag]));
  return tags.map((id) => {
    const threshold = thresholds.get(id);
    if (threshold === undefined) throw new Error(`No threshold was calibrated for head tag ${id}`);
    const named = known.get(id);
    if (!named) return taughtTag(id, threshold);
    if (named.taught) return { ...named, threshold };
    return { ...named, threshold, correction: { people: answerers.get(id) ?? 0, baseThreshold: named.correction?.baseThreshold ?? named.threshold } };
  });
}

/**
 * Names that advertise rather than describe: a web address ("visit evil.example now"), an email
 * address, a phone number or a messenger handle (QQ, WeChat, @name). Such a tag is held back from
 * training, so no phone shows it, and the training run lists it for an admin to see.
 */
const ADVERTISING: readonly [HeldBackReason, RegExp][] = [
  ['email-address', /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+\.[\p{L}\p{N}.-]+/u],
  ['web-address', /https?:|www\.|\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|info|biz|io|co|cn|top|xyz|site|online|shop|app|dev|me|cc|tk|ru|example)\b|\.(com|net|org|cn)(?![\p{L}\p{N}])/iu],
  ['phone-or-contact', /(\d[\s-]?){7,}|(^|\s)@[\p{L}\p{N}_]{2,}|\b(qq|wechat|whatsapp|telegram|line id)\b|微信|加[vV微]|扣扣|电话|手机号/iu],
];

export function heldBackReason(tagKey: string): HeldBackReason | null {
  const text = tagKey.startsWith(TEXT) ? tagKey.slice(TEXT.length) : tagKey;
  return ADVERTISING.find(([, pattern]) => pattern.test(text))?.[0] ?? null;
}

/**
 * A tag people taught, named by the text they typed: people type the name in their own language
 * and nobody translated it, so Chinese text names it in both languages, and so does Latin text.
 * A Chinese name gets its pinyin so the app's search finds it like a built-in tag.
 */
export function taughtTag(tagKey: string, threshold: number): VocabularyTag {
  const text = tagKey.startsWith(TEXT) ? tagKey.slice(TEXT.length) : tagKey;
  const tag: VocabularyTag = { id: tagKey, zh: text, en: text, threshold, taught: true };
  const pinyin = HAN.test(text) ? pinyinOf(text) : '';
  return PINYIN.test(pinyin) ? { ...tag, pinyin } : tag;
}
