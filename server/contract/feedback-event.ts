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

/** "All correct": every listed tag is right and nothing is missing. */
export const PhotoConfirmedEventSchema = z.strictObject({
  ...EventBase,
  type: z.literal('photo-confirmed'),
  tags: z.array(TagRefSchema).max(200),
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
  .superRefine(({ embedding, dims }, context) => {
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

/** One string per tag, for maps and indexes: the vocabulary id, or `text:` + the normalised text. */
export function tagKey(tag: TagRef): string {
  return 'id' in tag ? tag.id : `text:${tag.text}`;
}
