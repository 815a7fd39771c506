import { describe, expect, it } from 'vitest';
import { pinyinOf } from './pinyin.ts';

describe('pinyinOf', () => {
  it('gives one toneless syllable per Han character', () => {
    expect(pinyinOf('狗')).toBe('gou');
    expect(pinyinOf('金毛寻回犬')).toBe('jin mao xun hui quan');
  });

  it('reads polyphonic characters as the word needs and writes ü as v', () => {
    expect(pinyinOf('长颈鹿')).toBe('chang jing lu');
    expect(pinyinOf('红绿灯')).toBe('hong lv deng');
  });

  it('skips Latin letters and digits in a name', () => {
    expect(pinyinOf('CD 播放机')).toBe('bo fang ji');
    expect(pinyinOf('福特T型车')).toBe('fu te xing che');
  });
});
