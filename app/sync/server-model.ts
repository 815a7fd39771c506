import type { WanwuDatabase } from '../store/schema.ts';

/**
 * The model version the server named in its last sync answer, kept in `settings` so that a sync
 * in the service worker reaches the page too: the page updates its bundle when this changes.
 */

const SERVER_MODEL_KEY = 'server-model';

export async function saveServerModel(db: WanwuDatabase, version: string | null): Promise<void> {
  await db.settings.put({ key: SERVER_MODEL_KEY, value: version });
}

/** null before the first sync, or when the server has no model. */
export async function serverModel(db: WanwuDatabase): Promise<string | null> {
  const value = (await db.settings.get(SERVER_MODEL_KEY))?.value;
  return typeof value === 'string' ? value : null;
}
