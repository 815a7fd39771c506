import { pinyin } from 'pinyin-pro';

/**
 * The toneless pinyin of a Chinese tag name, one syllable per Han character, space-separated
 * ('金毛寻回犬' → 'jin mao xun hui quan'), so people can find tags by typing pinyin. Letters and digits
 * in the name (CD, T恤) get no syllable; ü is written v, as pinyin keyboards type it (绿 → lv).
 * Computed at build time: the app never ships a pinyin dictionary.
 */
export function pinyinOf(zh: string): string {
  return pinyin(zh, { toneType: 'none', type: 'array', nonZh: 'removed', v: true }).join(' ');
}
