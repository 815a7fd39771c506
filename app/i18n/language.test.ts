import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { chooseLanguage, dictionaries, tagName, withLanguage } from './language.ts';
import { zhCN } from './zh-CN.ts';

describe('chooseLanguage', () => {
  it('honours ?lang= over the browser language', () => {
    expect(chooseLanguage('?lang=en', ['zh-CN'])).toBe('en');
    expect(chooseLanguage('?lang=zh', ['en-US'])).toBe('zh');
    expect(chooseLanguage('?x=1&lang=zh-TW', ['en-US'])).toBe('zh');
  });

  it('follows the first browser language: any zh variant is Chinese, everything else English', () => {
    expect(chooseLanguage('', ['zh-CN', 'en'])).toBe('zh');
    expect(chooseLanguage('', ['zh-Hant-HK'])).toBe('zh');
    expect(chooseLanguage('', ['ZH'])).toBe('zh');
    expect(chooseLanguage('', ['en-GB', 'zh-CN'])).toBe('en');
    expect(chooseLanguage('', ['fr-FR'])).toBe('en');
  });

  it('falls back to English when nothing says anything', () => {
    expect(chooseLanguage('', [])).toBe('en');
    expect(chooseLanguage('?lang=', [])).toBe('en');
  });
});

describe('withLanguage', () => {
  it('sets ?lang= and keeps the rest of the address', () => {
    expect(withLanguage('http://127.0.0.1:8787/?a=1#top', 'zh')).toBe('http://127.0.0.1:8787/?a=1&lang=zh#top');
    expect(withLanguage('http://127.0.0.1:8787/?lang=zh', 'en')).toBe('http://127.0.0.1:8787/?lang=en');
  });
});

describe('dictionaries', () => {
  it('are complete in both languages, with no empty text', () => {
    const blanks = (messages: object, path = ''): string[] =>
      Object.entries(messages).flatMap(([key, value]) =>
        typeof value === 'object' ? blanks(value, `${path}${key}.`) : typeof value === 'string' && !value.trim() ? [path + key] : [],
      );
    expect(blanks(zhCN)).toEqual([]);
    expect(blanks(en)).toEqual([]);
    expect(Object.keys(zhCN.errors).sort()).toEqual(Object.keys(en.errors).sort());
  });

  it('the photo picker has the names people (and the e2e tests) look for', () => {
    expect(dictionaries.zh.pickPhoto).toBe('拍照或选择照片');
    expect(dictionaries.en.pickPhoto).toBe('Take or choose a photo');
    expect(dictionaries.zh.downloadingModels('3.1', '8.2')).toBe('下载模型… 3.1 / 8.2 MB');
    expect(dictionaries.en.downloadingModels('3.1', '8.2')).toBe('Downloading models… 3.1 / 8.2 MB');
  });
});

describe('tagName', () => {
  it('picks the name in the current language', () => {
    const dog = { zh: '狗', en: 'dog' };
    expect(tagName(dog, 'zh')).toBe('狗');
    expect(tagName(dog, 'en')).toBe('dog');
  });
});
