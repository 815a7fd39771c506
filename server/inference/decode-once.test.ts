import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageInfo, type ImageDecoder } from '../../models/pipeline/image.ts';
import { photosDir } from '../../test/env.ts';
import { decodeImage } from './decode-image.ts';
import { decodeOnce } from './decode-once.ts';

/** The Node decoder, counting the images it really decodes. */
function countingDecoder(): { decode: ImageDecoder; calls: () => number } {
  let calls = 0;
  return { decode: (bytes, info) => (calls++, decodeImage(bytes, info)), calls: () => calls };
}

describe('decodeOnce', () => {
  it('decodes the same bytes once for every model that reads them, and other bytes anew', async () => {
    const counted = countingDecoder();
    const decode = decodeOnce(counted.decode);
    const dog = await readFile(join(photosDir, 'dog.jpg'));
    const horses = await readFile(join(photosDir, 'horses.jpg'));

    const forTags = await decode(dog, readImageInfo(dog));
    const forText = await decode(dog, readImageInfo(dog));
    expect(forText).toBe(forTags);
    expect(counted.calls()).toBe(1);
    expect(forTags).toMatchObject({ width: readImageInfo(dog).width, height: readImageInfo(dog).height });

    const other = await decode(horses, readImageInfo(horses));
    expect(other).not.toBe(forTags);
    expect(counted.calls()).toBe(2);
  });

});
