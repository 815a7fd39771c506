import { z } from 'zod';

/**
 * The feedback event: one user act, as the app queues it in its outbox and as `POST /api/v1/sync`
 * receives it. The server owns this contract; the app imports it (docs/ARCHITECTURE.md, "The wire
 * contract"); the sync request and response schemas are beside it in ./sync.ts.
 */

export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

/** Longest free-text tag people may add (characters after normalisation). */
export const MAX_TAG_TEXT = 40;

/** A tag judged or added: a vocabulary tag by id, or a free-text tag (normalised) by its text. */
export const TagRefSchema = z.union([
  z.strictObject({ id: z.string().min(1).max(100) }),
  z.strictObject({ text: z.string().min(1).max(MAX_TAG_TEXT) }),
]);

/** Widest embedding an event may carry. */
export const MAX_EMBEDDING_DIMS = 4096;
const MAX_EMBEDDING_BASE64 = Math.ceil((MAX_EMBEDDING_DIMS * 4) / 3 / 4) * 4;

export const VerdictSchema = z.enum(['correct', 'wrong']);

/** Where the judged tag came from: a model (the head: tags it learned from feedback), the device's own memory, a quick question, or the person. */
export const TagOriginSchema = z.enum(['detector', 'classifier', 'head', 'personal', 'question', 'user']);

/**
 * Most base-model scores one event may carry: the detector's and the classifier's tags on the photo
 * scoring at least the floor corrections read them from (models/pipeline/corrections.ts, 0.01), a
 * few dozen at most.
 */
export const MAX_BASE_SCORES = 128;
/** A vocabulary tag id as models name them (`coco:dog`, `imagenet:golden-retriever`). */
const ModelTagIdSchema = z.string().regex(/^[a-z0-9]+:[a-z0-9._-]{1,80}$/, 'expected a model tag id such as coco:dog');

const EventBase = {
  /** Made by the client (UUIDv7, so ids sort by time); the server stores each id at most once. */
  id: z.uuid(),
  photoId: Sha256HexSchema,
  /** Version of the model bundle whose result was judged. */
  model: z.string().min(1).max(100),
  at: z.iso.datetime({ offset: true }),
  /** The photo's embedding (base64 of `dims` little-endian float32) so the server can train without photos. */
  embedding: z.string().max(MAX_EMBEDDING_BASE64).optional(),
  /** Floats in `embedding`; sent with it, never alone. */
  dims: z.number().int().positive().max(MAX_EMBEDDING_DIMS).optional(),
  /**
   * The base models' own scores on the photo (tag id → score, those at least 0.01), sent
   * with the embedding: what training learns corrections of the base tags against.
   */
  baseScores: z.record(ModelTagIdSchema, z.number().min(0).max(1)).optional(),
};

export const TagVerdictEventSchema = z.strictObject({
  ...EventBase,
  type: z.literal('tag-verdict'),
  tag: TagRefSchema,
  verdict: VerdictSchema,
  /** The model's score for the tag, when a model proposed it. */
  score: z.number().min(0).max(1).optional(),
  origin: TagOriginSchema.optional(),
});

export const TagAddedEventSchema = z.strictObject({
  ...EventBase,
  type: z.literal('tag-added'),
  tag: TagRefSchema,
  origin: TagOriginSchema.optional(),
});

/**
 * Most tags one "All correct" may list: a photo shows a few dozen tags at most, and each listed
 * tag is a vote consensus must weigh, so the cap bounds the work one event can cause.
 */
export const MAX_CONFIRMED_TAGS = 64;

/** "All correct": every listed tag is right and nothing is missing. */
export const PhotoConfirmedEventSchema = z.strictObject({
  ...EventBase,
  type: z.literal('photo-confirmed'),
  tags: z.array(TagRefSchema).max(MAX_CONFIRMED_TAGS),
});

/** Undo of an act whose event had already left the device (an unsent one is simply dropped). */
export const FeedbackRetractedEventSchema = z.strictObject({
  ...EventBase,
  type: z.literal('feedback-retracted'),
  retracts: z.uuid(),
});

/** Longest text line an event may carry (characters). */
export const MAX_TEXT_LINE = 500;

/** A point in pixels of the upright photo. */
const PointSchema = z.tuple([z.number().finite(), z.number().finite()]);

/**
 * A line of text the OCR read, judged by the person: `corrected` is what the line really says
 * (equal to `original` when they confirmed it as read). Carries no tag: consensus ignores it.
 */
export const TextCorrectedEventSchema = z.strictObject({
  ...EventBase,
  type: z.literal('text-corrected'),
  original: z.string().max(MAX_TEXT_LINE),
  corrected: z.string().max(MAX_TEXT_LINE),
  /** The line's four corners, clockwise from its top left. */
  box: z.array(PointSchema).length(4),
  /** The OCR's confidence in `original`. */
  score: z.number().min(0).max(1).optional(),
});

/** Outside the base64 alphabet (padding is checked apart). A negated class: V8 runs it several times faster than an anchored one. */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/** The bytes a padded base64 string decodes to, or -1 when it is not one. */
function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const firstPad = text.indexOf('=');
  if (text.length % 4 !== 0 || NOT_BASE64.test(text) || (firstPad !== -1 && firstPad < text.length - padding)) return -1;
  return (text.length / 4) * 3 - padding;
}

/**
 * The earliest and latest `at` taken. A phone's clock may be years off, never centuries; both
 * databases and ISO strings need a four-digit year. Within this range `at` is still only the
 * device's claim: the server orders and times events by when it received them.
 */
export const EARLIEST_AT = Date.parse('2000-01-01T00:00:00Z');
export const LATEST_AT = Date.parse('2100-01-01T00:00:00Z');

/** Text no database stores faithfully: NUL (PostgreSQL refuses it) and lone UTF-16 surrogates (not Unicode). */
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a sync rejects an event, beyond `invalid-event`: carried in a zod issue's `params.code`. */
export type EventRejection = 'unstorable-text' | 'implausible-time';

/** The path and value of every string in a parsed event (its shape is bounded by the schema). */
function* stringsOf(value: unknown, path: (string | number)[] = []): Generator<[(string | number)[], string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* stringsOf(item, [...path, index]);
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) yield* stringsOf(item, [...path, key]);
}

/**
 * An embedding is checked here, with its `dims`, not by `z.base64()`: that decodes every string
 * (with `atob`), the biggest cost of validating a sync batch, and cannot check the length.
 */
export const FeedbackEventSchema = z
  .discriminatedUnion('type', [
    TagVerdictEventSchema,
    TagAddedEventSchema,
    PhotoConfirmedEventSchema,
    FeedbackRetractedEventSchema,
    TextCorrectedEventSchema,
  ])
  .superRefine((event, context) => {
    const rejection = (code: EventRejection, path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message, params: { code } });
    const at = Date.parse(event.at);
    if (!(at >= EARLIEST_AT && at < LATEST_AT)) rejection('implausible-time', ['at'], 'must be a time from 2000 to 2099');
    // The embedding is left out: its alphabet is checked below, and it is most of the event's bytes.
    const { embedding: _, ...rest } = event;
    for (const [path, text] of stringsOf(rest)) {
      if (UNSTORABLE_TEXT.test(text)) rejection('unstorable-text', path, 'contains a NUL character or half of a surrogate pair, which cannot be stored');
    }
    const { embedding, dims, baseScores } = event;
    if (baseScores !== undefined && embedding === undefined) context.addIssue({ code: 'custom', path: ['baseScores'], message: 'baseScores are sent with the embedding' });
    if (baseScores !== undefined && Object.keys(baseScores).length > MAX_BASE_SCORES) {
      context.addIssue({ code: 'custom', path: ['baseScores'], message: `at most ${MAX_BASE_SCORES} scores` });
    }
    if (embedding === undefined && dims === undefined) return;
    if (embedding === undefined || dims === undefined) {
      context.addIssue({ code: 'custom', path: [embedding === undefined ? 'embedding' : 'dims'], message: 'embedding and dims are sent together' });
    } else if (base64Bytes(embedding) !== dims * 4) {
      context.addIssue({ code: 'custom', path: ['embedding'], message: `expected base64 of ${dims} float32 values (${dims * 4} bytes)` });
    }
  });

export type TagRef = z.infer<typeof TagRefSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;
export type TagOrigin = z.infer<typeof TagOriginSchema>;
export type FeedbackEvent = z.infer<typeof FeedbackEventSchema>;
export type FeedbackEventType = FeedbackEvent['type'];

/** The tags an event names: the one it judges or adds, or those an "All correct" lists. */
export function tagRefsOf(event: FeedbackEvent): TagRef[] {
  return 'tag' in event ? [event.tag] : event.type === 'photo-confirmed' ? event.tags : [];
}

/** One string per tag, for maps and indexes: the vocabulary id, or `text:` + the normalised text. */
export function tagKey(tag: TagRef): string {
  return 'id' in tag ? tag.id : `text:${tag.text}`;
}
