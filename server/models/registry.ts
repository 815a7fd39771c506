import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeHead, HEAD_INPUT, HEAD_OUTPUT } from '../../models/head/encode-head.ts';
import type { TagHead } from '../../models/head/head.ts';
import { allBundleFiles, parseManifest, type BundleFile, type HeadEntry, type Manifest, type VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { ModelVersion } from '../contract/training.ts';
import type { StoredModelVersion, TrainingStore } from '../storage/repository.ts';
import {
  bundleFile, createBundleStore, createFileVerifier, publishedManifest, sha256Hex,
  type BundleStore, type PublishedManifest,
} from './bundle-store.ts';
import { createModelFiles } from './model-files.ts';

/** What a training run publishes: the head, and the names and thresholds of every tag it scores. */
export interface PublishRequest {
  head: TagHead;
  /** One per head tag: vocabulary tags keep their names, taught ones carry theirs with `taught: true`. */
  tags: VocabularyTag[];
  runId: string;
}

/**
 * The model registry: the bundle `npm run models` built, plus every version training
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

/** `rollback` to a version that was never built or published here. */
export class UnknownModelVersionError extends Error {
  readonly code = 'unknown-model-version';
  constructor(readonly version: string) {
    super(`No model version "${version}" is known here: it was neither built by \`npm run models\` nor published by training`);
  }
}

export interface ModelRegistryOptions {
  repository: TrainingStore;
  /** The folder `npm run models` writes (the root version). */
  builtBundleDir: string;
  /** WANWU_DATA: published files are kept under `models/files/<sha256>`. */
  dataDir: string;
}

/** The file name of the head in every published bundle. */
export const HEAD_FILE = 'head.onnx';

/** A version's manifest, and where its files lie. */
interface Located {
  published: PublishedManifest;
  pathOf(file: BundleFile): string;
}

/**
 * The registry over the training store. The current version is read from the database on every
 * call, since another process (a CLI run, a second API instance) may publish or roll back; the
 * manifests themselves never change once published, so each is parsed once. A published version
 * has its own copy of every file, so rebuilding the base with `npm run models` never breaks it.
 */
export function createModelRegistry({ repository, builtBundleDir, dataDir }: ModelRegistryOptions): ModelRegistry {
  const built = createBundleStore(builtBundleDir);
  const files = createModelFiles(dataDir);
  const verified = createFileVerifier();
  const published = new Map<string, { record: StoredModelVersion; published: PublishedManifest }>();

  /** Every published version, oldest first, parsing only those not seen before. */
  async function publishedVersions() {
    const records = await repository.modelVersions();
    return records.map((record) => {
      let entry = published.get(record.version);
      if (!entry) published.set(record.version, (entry = { record, published: publishedManifest(record.manifest) }));
      return entry;
    });
  }

  async function publishedVersion(version: string): Promise<PublishedManifest | null> {
    if (!published.has(version)) await publishedVersions();
    return published.get(version)?.published ?? null;
  }

  /** Published versions (named `h<time>-<hash>`) and built ones (a build hash) never share a name. */
  async function locate(version: string): Promise<Located | null> {
    const root = await built.current();
    // The path comes from the manifest entry, never from the request.
    if (root?.manifest.version === version) return { published: root, pathOf: (file) => join(builtBundleDir, file.path) };
    const stored = await publishedVersion(version);
    return stored && { published: stored, pathOf: (file) => files.pathOf(file.sha256) };
  }

  async function current(): Promise<PublishedManifest | null> {
    const version = await repository.currentModelVersion();
    if (version === null) return built.current();
    const found = await publishedVersion(version);
    if (!found) throw new Error(`The current model version ${version} has no manifest in the database`);
    return found;
  }

  async function fileBytes(version: string, name: string): Promise<Uint8Array | null> {
    const located = await locate(version);
    const file = located && bundleFile(located.published.manifest, name);
    if (!located || !file) return null;
    const bytes = await readFile(located.pathOf(file)).catch(() => null);
    return bytes && sha256Hex(bytes) === file.sha256 ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  }

  /** Copies the base's files into the registry's own store, each once. */
  async function keepFiles(base: Located, list: BundleFile[]): Promise<void> {
    for (const file of list) {
      if (await verified(files.pathOf(file.sha256), file)) continue;
      const bytes = await fileBytes(base.published.manifest.version, file.path);
      if (!bytes) throw new Error(`Cannot publish from ${base.published.manifest.version}: its ${file.path} is missing or damaged`);
      await files.write(bytes);
    }
  }

  return {
    current,
    fileBytes,

    async file(version, name) {
      const located = await locate(version);
      const file = located && bundleFile(located.published.manifest, name);
      return located && file ? verified(located.pathOf(file), file) : null;
    },

    async manifest(version) {
      return (await locate(version))?.published.manifest ?? null;
    },

    async publish(request) {
      const base = await current();
      if (!base) throw new Error('No model bundle to publish a head onto: run `npm run models` first');
      const located = (await locate(base.manifest.version))!;
      const headBytes = encodeHead(request.head);
      const manifest = nextManifest(base.manifest, request, { path: HEAD_FILE, sha256: sha256Hex(headBytes), bytes: headBytes.length }, new Date());
      await keepFiles(located, allBundleFiles(manifest).filter((file) => file.path !== HEAD_FILE));
      await files.write(headBytes);
      const record: StoredModelVersion = {
        version: manifest.version, manifest: JSON.stringify(manifest), createdAt: new Date(manifest.created),
        runId: request.runId, previous: base.manifest.version,
      };
      await repository.saveModelVersion(record);
      await repository.setCurrentModelVersion(record.version);
      return manifest;
    },

    async rollback(version) {
      if (await publishedVersion(version)) return repository.setCurrentModelVersion(version);
      if ((await built.current())?.manifest.version === version) return repository.setCurrentModelVersion(null);
      throw new UnknownModelVersionError(version);
    },

    async versions() {
      const [root, stored, currentVersion] = await Promise.all([built.current(), publishedVersions(), repository.currentModelVersion()]);
      const list = stored.map(({ record, published: { manifest } }): ModelVersion => ({
        ...counts(manifest), version: record.version, createdAt: record.createdAt.toISOString(),
        current: record.version === currentVersion, runId: record.runId, previous: record.previous,
      }));
      if (root && !published.has(root.manifest.version)) {
        const { manifest } = root;
        list.push({ ...counts(manifest), version: manifest.version, createdAt: manifest.created, current: currentVersion === null, runId: null, previous: manifest.previous ?? null });
      }
      return list.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    },
  };
}

/**
 * The manifest a publish makes from `base`: the same base models and files, the new head in place
 * of any old one, and the tags of the base minus the old head's plus the new head's.
 */
function nextManifest(base: Manifest, request: PublishRequest, head: BundleFile, created: Date): Manifest {
  const named = new Map(request.tags.map((tag) => [tag.id, tag]));
  const unnamed = request.head.tags.filter((id) => !named.has(id));
  if (unnamed.length > 0 || named.size !== request.head.tags.length) {
    throw new Error(`Every head tag needs one vocabulary entry, and only those (without: ${unnamed.join(', ') || 'none'})`);
  }
  const oldHead = base.models.find((model): model is HeadEntry => model.kind === 'head');
  const replaced = new Set([...(oldHead?.classes ?? []), ...named.keys()]);
  const entry: HeadEntry = {
    kind: 'head', file: HEAD_FILE, input: HEAD_INPUT, inputDims: request.head.dims, outputs: { scores: HEAD_OUTPUT },
    classes: request.head.tags, source: `trained by Wanwu from feedback (run ${request.runId})`,
  };
  return parseManifest({
    ...base,
    version: `h${created.toISOString().replace(/\D/g, '').slice(0, 14)}-${head.sha256.slice(0, 6)}`,
    created: created.toISOString(),
    files: [...base.files.filter((file) => file.path !== oldHead?.file), head],
    models: [...base.models.filter((model) => model.kind !== 'head'), entry],
    tags: [...base.tags.filter((tag) => !replaced.has(tag.id)), ...request.head.tags.map((id) => named.get(id)!)],
    previous: base.version,
  });
}

function counts(manifest: Manifest): Pick<ModelVersion, 'tags' | 'taughtTags'> {
  return { tags: manifest.tags.length, taughtTags: manifest.tags.filter((tag) => tag.taught).length };
}
