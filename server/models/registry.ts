import type { TagHead } from '../../models/head/head.ts';
import type { Manifest, VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { ModelVersion } from '../contract/training.ts';
import type { BundleStore } from './bundle-store.ts';

/** What a training run publishes: the head, and the names and thresholds of every tag it scores. */
export interface PublishRequest {
  head: TagHead;
  /** One per head tag: vocabulary tags keep their names, taught ones carry theirs with `taught: true`. */
  tags: VocabularyTag[];
  runId: string;
}

/**
 * The model registry (issue 6): the bundle `npm run models` built, plus every version training
 * published, each immutable (manifest with hashes, content-addressed files). Serves the current
 * one to apps as a BundleStore; an admin can make an earlier version current again.
 */
export interface ModelRegistry extends BundleStore {
  /** Makes a new version from the current one (same base models, this head and vocabulary), stores it and makes it current. */
  publish(request: PublishRequest): Promise<Manifest>;
  /** Makes an earlier version current; throws for an unknown version. */
  rollback(version: string): Promise<void>;
  /** Every version, newest first, the built bundle included. */
  versions(): Promise<ModelVersion[]>;
  /** The manifest of any version (for evaluating the current model), or null. */
  manifest(version: string): Promise<Manifest | null>;
  /** Bytes of a file of a version, verified against its manifest (the head, for evaluation). */
  fileBytes(version: string, path: string): Promise<Uint8Array | null>;
}
