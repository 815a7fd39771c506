import { needOf, TagNeedSchema, UNKNOWN_NEED, type TagNeed } from '../../server/contract/sync.ts';
import type { WanwuDatabase } from '../store/schema.ts';

/**
 * What the server needs answers about (its `need` in every sync answer), kept in `settings` so that
 * the quick question weighs tags by it offline too, until the next sync says otherwise.
 */

const NEED_KEY = 'tag-need';

export async function saveTagNeed(db: WanwuDatabase, need: TagNeed): Promise<void> {
  await db.settings.put({ key: NEED_KEY, value: need });
}

/** The need of a tag key (vocabulary id, or `text:` tag), from the last sync; all alike before it. */
export async function tagNeed(db: WanwuDatabase): Promise<(tag: string) => number> {
  const saved = TagNeedSchema.safeParse((await db.settings.get(NEED_KEY))?.value);
  const need = saved.success ? saved.data : UNKNOWN_NEED;
  return (tag) => needOf(need, tag);
}
