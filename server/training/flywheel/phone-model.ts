import { applyCorrections } from '../../../models/pipeline/corrections.ts';
import { runHead } from '../../../models/pipeline/head.ts';
import type { HeadEntry, VocabularyTag } from '../../../models/pipeline/manifest.ts';
import { mergeTags, type ScoredTag } from '../../../models/pipeline/tags.ts';
import type { Tag } from '../../../models/pipeline/types.ts';
import { createNodeBackend } from '../../inference/ort-node-backend.ts';
import { RANKING_MIN_SCORE, type BasePhoto } from './base-recognition.ts';

/** A bundle version as a phone runs it: the base results (computed once) with the version's head on top, correcting them and adding its own tags. */
export interface PhoneModel {
  readonly version: string;
  /** Tags the version's head scores (empty without a head). */
  readonly headTags: readonly string[];
  /** Every tag listed for the photo, best first: base tags minus the hidden ones (corrected), then the head's, each `shown` by the version's threshold. */
  tagsFor(photo: BasePhoto): Promise<Tag[]>;

  release(): Promise<void>;
}

export interface PhoneModelSource {
  version: string;
  /** The version's vocabulary (names and thresholds of the head's tags). */
  tags: readonly VocabularyTag[];
  /** The head entry and its ONNX bytes (already verified), or null for a bundle without a head. */
  head: { entry: HeadEntry; bytes: Uint8Array } | null;
  /** Base tag ids the simulation hides from everyone. */
  dropped: ReadonlySet<string>;
}

/** The head runs in a real onnxruntime-node session through the pipeline's own `headTags`: what the phone computes. */
export async function loadPhoneModel({ version, tags, head, dropped }: PhoneModelSource): Promise<PhoneModel> {
  const session = head && (await createNodeBackend().createSession(head.bytes));
  const vocabulary = new Map(tags.map((tag) => [tag.id, tag]));
  return {
    version,
    headTags: head?.entry.classes ?? [],
    async tagsFor(photo) {
      const base = photo.tags.filter((tag) => !dropped.has(tag.id)).map((tag): ScoredTag => ({ id: tag.id, score: tag.score, source: tag.source, boxes: tag.boxes ?? [] }));
      const { learned, shifts } = head && session
        ? await runHead(head.entry, session, photo.embedding, photo.baseTagIds, RANKING_MIN_SCORE)
        : { learned: [], shifts: new Map<string, number>() };
      return mergeTags([...applyCorrections(base, shifts, RANKING_MIN_SCORE), ...learned], vocabulary, RANKING_MIN_SCORE);
    },
    async release() {
      await session?.release();
    },
  };
}
