import { z } from 'zod';
import type { WanwuDatabase } from '../store/schema.ts';

/**
 * The tags the server wants answers about (its `wanted` in every sync answer), kept in `settings`
 * so that the quick question prefers them offline too, until the next sync says otherwise.
 */

const WANTED_KEY = 'wanted-tags';

export async function saveWantedTags(db: WanwuDatabase, tags: readonly string[]): Promise<void> {
  await db.settings.put({ key: WANTED_KEY, value: [...tags] });
}

/** Tag keys (vocabulary ids, or `text:` tags); empty before the first sync. */
export async function wantedTags(db: WanwuDatabase): Promise<Set<string>> {
  const saved = z.array(z.string()).safeParse((await db.settings.get(WANTED_KEY))?.value);
  return new Set(saved.success ? saved.data : []);
}
