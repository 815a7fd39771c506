import { afterEach, describe, expect, it } from 'vitest';
import { findChromium } from './browser.ts';

describe('findChromium', () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it('uses CHROMIUM_PATH when it names a file', () => {
    process.env.CHROMIUM_PATH = process.execPath;
    expect(findChromium()).toBe(process.execPath);
  });

  it('says how to install Chromium instead of skipping when CHROMIUM_PATH is wrong', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    expect(() => findChromium()).toThrow(/No Chromium found: run `apt-get install -y chromium` \(or set CHROMIUM_PATH\)/);
  });
});
