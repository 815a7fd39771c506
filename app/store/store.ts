import { tagKey, type TagRef } from '../../server/contract/feedback-event.ts';
import { actEvent, retractionEvent } from './events.ts';
import { foldFeedback, groupByPhoto, indexFields, listedTags, namesOf, photoFeedback } from './feedback-state.ts';
import type {
  CorrectedExample,
  FeedbackRecord,
  HistoryQuery,
  LocalStore,
  PhotoRecord,
  RecognitionRecord,
} from './local-store.ts';
import { withQuotaRecovery } from './quota.ts';
import type { WanwuDatabase } from './schema.ts';
import { correctedLines, foldForSearch, foldTextFeedback, searchTextOf } from './text-feedback.ts';
import { createUuidV7 } from './uuid.ts';

export interface StoreEnv {
  /** navigator.storage by default; absent where the browser has none. */
  storage?: StorageManager;
  now?: () => number;
  /** Called after a write that queued an event, so the sync can send it soon. */
  onqueued?: () => void;
}

/** Setting written with the first feedback, so persistence is asked for once, at the moment it matters. */
const PERSISTENCE_ASKED = 'persistence-asked';

/** The LocalStore over Dexie (./schema.ts). Every write goes through `withQuotaRecovery`. */
export function createLocalStore(db: WanwuDatabase, env: StoreEnv = {}): LocalStore {
  const now = env.now ?? Date.now;
  const storage = 'storage' in env ? env.storage : globalThis.navigator?.storage;
  const nextId = createUuidV7();
  const write = <T>(run: () => Promise<T>) => withQuotaRecovery(db, run);

  const latestRecognition = (photoId: string) => db.recognitions.where('photoId').equals(photoId).last();

  /** The photo's search keys and review flag as its rows now stand; call inside the write's transaction. */
  async function photoIndex(photoId: string): Promise<Pick<PhotoRecord, 'tagKeys' | 'needsReview'>> {
    const [recognition, records] = await Promise.all([
      latestRecognition(photoId),
      db.feedback.where('photoId').equals(photoId).toArray(),
    ]);
    return indexFields(recognition, foldFeedback(records));
  }

  /**
   * Whether an act on this photo already carries its embedding of this model to the server: one is
   * enough (the server keeps the newest per photo), and it is most of an event's bytes. An act undone
   * before it was sent, or an event the server rejected, does not count.
   */
  async function embeddingQueued(photoId: string, model: string): Promise<boolean> {
    const rows = await db.feedback.where('photoId').equals(photoId).toArray();
    for (const row of rows) {
      if (row.undone || row.event.embedding === undefined || row.event.model !== model) continue;
      if (!(await db.outbox.get(row.id))?.rejected) return true;
    }
    return false;
  }

  async function reindex(photoId: string): Promise<void> {
    await db.photos.update(photoId, await photoIndex(photoId));
  }

  const textCorrections = async (photoId: string) => foldTextFeedback(await db.feedback.where('photoId').equals(photoId).toArray());

  /** The photo's search text as its reading and text acts now stand; call inside the write's transaction. */
  async function reindexText(photoId: string): Promise<void> {
    const text = await db.texts.get(photoId);
    if (text) await db.textSearch.put({ photoId, text: searchTextOf(text.lines, await textCorrections(photoId)) });
  }

  /** A browser without the API, or one that cannot grant it here (no secure context), answers false. */
  async function requestPersistence(): Promise<boolean> {
    try {
      return (await storage?.persist?.()) ?? false;
    } catch {
      return false;
    }
  }

  const store: LocalStore = {
    savePhoto: (photo, recognition) =>
      write(() =>
        db.transaction('rw', [db.photos, db.recognitions, db.feedback], async () => {
          const at = now();
          const seen = await db.photos.get(photo.id);
          await db.recognitions.add({ ...recognition, photoId: photo.id, createdAt: at });
          // A photo seen again keeps its place in history and gets its bytes back if they were dropped.
          const record: PhotoRecord = { ...photo, createdAt: seen?.createdAt ?? at, ...(await photoIndex(photo.id)) };
          if (seen?.uploaded) record.uploaded = true;
          await db.photos.put(record);
          return record;
        }),
      ),

    getPhoto: (id) => db.photos.get(id),
    latestRecognition,

    async recordFeedback(act) {
      const at = now();
      const id = nextId(at);
      const { record, first } = await write(() =>
        db.transaction('rw', [db.photos, db.recognitions, db.feedback, db.outbox, db.settings, db.texts, db.textSearch], async () => {
          const recognition = await latestRecognition(act.photoId);
          if (!recognition) throw new Error(`No recognition of photo ${act.photoId} to give feedback on`);
          const carried = await embeddingQueued(act.photoId, recognition.model);
          const embedding = carried ? null : recognition.embedding;
          const event = actEvent(act, { id, at, model: recognition.model, embedding, baseScores: recognition.baseScores ?? null });
          const record: FeedbackRecord = { id, photoId: act.photoId, event, undone: false };
          if (act.type === 'tag-added' && act.names) record.names = act.names;
          await db.feedback.add(record);
          await db.outbox.add({ id, event, createdAt: at, attempts: 0, notBefore: at });
          await reindex(act.photoId);
          if (act.type === 'text-corrected') await reindexText(act.photoId);
          const first = !(await db.settings.get(PERSISTENCE_ASKED));
          if (first) await db.settings.put({ key: PERSISTENCE_ASKED, value: at });
          return { record, first };
        }),
      );
      // Not awaited: a browser may ask its user, and the feedback is already safe.
      if (first) void requestPersistence();
      env.onqueued?.();
      return record;
    },

    async undoFeedback(feedbackId) {
      const queued = await write(() =>
        db.transaction('rw', [db.photos, db.recognitions, db.feedback, db.outbox, db.texts, db.textSearch], async () => {
          const record = await db.feedback.get(feedbackId);
          if (!record) throw new Error(`No feedback ${feedbackId} to undo`);
          if (record.undone) return false;
          await db.feedback.update(feedbackId, { undone: true });
          const row = await db.outbox.get(feedbackId);
          // An event that left once may be on the server, even while its answer is still on the way.
          const held = !row || (row.sentAt !== undefined && !row.rejected);
          if (held) {
            const at = now();
            const event = retractionEvent(record.event, nextId(at), at);
            await db.outbox.add({ id: event.id, event, createdAt: at, attempts: 0, notBefore: at });
          } else {
            await db.outbox.delete(feedbackId);
          }
          await reindex(record.photoId);
          if (record.event.type === 'text-corrected') await reindexText(record.photoId);
          return held;
        }),
      );
      if (queued) env.onqueued?.();
    },

    photoFeedback: async (photoId) => photoFeedback(foldFeedback(await db.feedback.where('photoId').equals(photoId).toArray())),

    historyIds: (query = {}) => historyIds(db, query),

    historyItems: (ids) =>
      db.transaction('r', [db.photos, db.recognitions, db.feedback, db.texts], async () => {
        const [photos, recognitions, records, texts] = await Promise.all([
          db.photos.bulkGet([...ids]),
          latestRecognitions(db, ids),
          Promise.all(ids.map((id) => db.feedback.where('photoId').equals(id).toArray())),
          db.texts.bulkGet([...ids]),
        ]);
        return photos.flatMap((photo, i) => {
          if (!photo) return [];
          const text = texts[i] ? correctedLines(texts[i].lines, foldTextFeedback(records[i])) : [];
          return [{ photo, tags: listedTags(recognitions.get(photo.id), foldFeedback(records[i])), text }];
        });
      }),

    deletePhoto: (id) =>
      write(() =>
        db.transaction('rw', [db.photos, db.recognitions, db.feedback, db.texts, db.textSearch], async () => {
          await db.recognitions.where('photoId').equals(id).delete();
          await db.texts.delete(id);
          await db.textSearch.delete(id);
          await db.feedback.where('photoId').equals(id).delete();
          await db.photos.delete(id);
        }),
      ),

    correctedExamples: () => correctedExamples(db),

    async saveText(text) {
      await write(() =>
        db.transaction('rw', [db.texts, db.textSearch, db.feedback], async () => {
          await db.texts.put({ ...text, createdAt: now() });
          // Read again, a photo keeps the corrections of the lines found again.
          await reindexText(text.photoId);
        }),
      );
    },

    savedText: (photoId) => db.texts.get(photoId),

    textFeedback: textCorrections,

    async userTags() {
      const texts = new Map<string, TagRef>();
      const acts = await db.feedback.filter((record) => !record.undone && record.event.type === 'tag-added').toArray();
      for (const { event } of acts.sort((a, b) => (a.id < b.id ? 1 : -1))) {
        if (event.type === 'tag-added' && 'text' in event.tag) texts.set(event.tag.text, event.tag);
      }
      return [...texts.values()];
    },

    async storageReport() {
      const [estimate, persisted, photos] = await Promise.all([storage?.estimate?.(), storage?.persisted?.(), db.photos.count()]);
      return {
        usage: estimate?.usage ?? null,
        quota: estimate?.quota ?? null,
        persisted: persisted ?? null,
        photos,
      };
    },

    requestPersistence,
  };
  return store;
}

/** Primary keys and search strings only, so thousands of photos cost a few key lists, never their rows. */
async function historyIds(db: WanwuDatabase, query: HistoryQuery): Promise<string[]> {
  const search = query.search?.trim();
  const [newestFirst, review, byTag, byText] = await Promise.all([
    // Ascending then reversed here: a forward key list is one getAllKeys(), a reverse one a cursor walk.
    db.photos.orderBy('createdAt').primaryKeys().then((ids) => ids.reverse()),
    query.needsReview ? db.photos.where('needsReview').equals(1).primaryKeys() : null,
    search ? db.photos.where('tagKeys').startsWith(search.toLowerCase()).primaryKeys() : null,
    search ? photosWithText(db, search) : null,
  ]);
  const found = byTag && byText ? [...byTag, ...byText] : null;
  const filters = [review, found].flatMap((keys) => (keys ? [new Set(keys)] : []));
  return filters.length === 0 ? newestFirst : newestFirst.filter((id) => filters.every((keys) => keys.has(id)));
}

/**
 * Photos whose text contains `search`: a scan, since a substring cannot use an index, of the
 * `textSearch` table only (one short string per photo with text; never the lines' boxes, nor the
 * feedback rows with their embeddings).
 */
async function photosWithText(db: WanwuDatabase, search: string): Promise<string[]> {
  const needle = foldForSearch(search);
  const texts = await db.textSearch.toArray();
  return texts.flatMap(({ photoId, text }) => (text.includes(needle) ? [photoId] : []));
}

async function latestRecognitions(db: WanwuDatabase, photoIds: readonly string[]): Promise<Map<string, RecognitionRecord>> {
  // One small keyed query per photo: faster than one anyOf() cursor jumping through the index.
  const latest = await Promise.all(photoIds.map((id) => db.recognitions.where('photoId').equals(id).last()));
  return new Map(latest.flatMap((recognition) => (recognition ? [[recognition.photoId, recognition]] : [])));
}

async function correctedExamples(db: WanwuDatabase): Promise<CorrectedExample[]> {
  return db.transaction('r', [db.recognitions, db.feedback], async () => {
    const records = groupByPhoto(await db.feedback.toArray());
    // Text corrections say nothing about tags: a photo with only those teaches the memory nothing.
    const taught = (row: FeedbackRecord) => !row.undone && row.event.type !== 'text-corrected';
    const corrected = [...records].filter(([, rows]) => rows.some(taught)).map(([photoId]) => photoId);
    const recognitions = await latestRecognitions(db, corrected);
    return corrected.flatMap((photoId) => {
      const recognition = recognitions.get(photoId);
      if (!recognition?.embedding) return [];
      const state = foldFeedback(records.get(photoId)!);
      const labels = [...state.verdicts.values()].map(({ tag, verdict }) => ({
        key: tagKey(tag),
        tag,
        ...namesOf(tag, recognition, state),
        verdict,
      }));
      return [{ photoId, embedding: recognition.embedding, labels }];
    });
  });
}
