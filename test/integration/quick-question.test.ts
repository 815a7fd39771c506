import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseQuestion } from '../../app/learning/quick-question.ts';
import type { Recognizer } from '../../models/pipeline/recognize.ts';
import { loadRecognizer } from '../../server/inference/recognizer.ts';
import { bundleDir, photosDir } from '../env.ts';

/** The lowest score the app asks the pipeline for (MORE_MIN_SCORE in app/state/app-state.svelte.ts). */
const APP_MIN_SCORE = 0.1;

let recognizer: Recognizer;
beforeAll(async () => {
  recognizer = await loadRecognizer(bundleDir);
});
afterAll(() => recognizer.release());

/** The question the app would ask on a fixture photo before anyone answered anything. */
async function question(photo: string): Promise<string | null> {
  const { tags } = await recognizer.recognize(new Uint8Array(await readFile(join(photosDir, photo))), { minScore: APP_MIN_SCORE });
  const thresholds = new Map(recognizer.manifest.tags.map((tag) => [tag.id, tag.threshold]));
  return chooseQuestion(tags, thresholds, new Set())?.id ?? null;
}

describe('the quick question on the built bundle', () => {
  it('asks nothing on The Scream (no cake), nor on the horses (no cow)', async () => {
    expect(await question('scream.jpg')).toBeNull();
    expect(await question('horses.jpg')).toBeNull();
  });

  it('asks about what the model half-sees on its own: the board under two kitesurfers, the eagle as a vulture', async () => {
    expect(await question('kite.jpg')).toBe('coco:surfboard');
    expect(await question('eagle.jpg')).toBe('imagenet:vulture');
  });
});
