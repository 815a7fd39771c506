import type { ModelMetrics, TrainingData, TrainingProgress } from '../contract/training.ts';
import { sigmoid } from '../../models/pipeline/corrections.ts';
import type { ConsensusItem, PhotoEmbedding } from '../storage/repository.ts';
import { calibrateThresholds } from './calibrate.ts';
import { buildTrainingSet, chooseHeadTags, isPositive, MIN_CORRECTION_LABELS, MIN_POSITIVES, vouchedItems, type BuiltTrainingSet, type HeadTags } from './dataset.ts';
import { GATE_DEFAULTS, gate, tagDrops, witnessReasons } from './gate.ts';
import type { TagReview } from './tag-review.ts';
import { scoreRows } from './linear-kernels.ts';
import { evaluateScores } from './metrics.ts';
import type { TagSupport } from './teachers.ts';
import { trainHead } from './train-head.ts';
import type { GateDecision, GateOptions, TagHead, TrainingSet } from './types.ts';

/**
 * One training run, pure (no I/O): choose the head's tags, build the set, train on the train photos,
 * calibrate thresholds on out-of-fold scores, score candidate and current model on the held-out
 * photos, gate. The published head is the candidate the gate judged: it never sees a held-out photo
 * (a head refitted on them once made the next run's "current" look perfect on its own training data).
 */

/** Out-of-fold calibration: each train photo is scored by a head trained on the other folds. */
export const CALIBRATION_FOLDS = 3;
/** A tag's AP on fewer held-out positives than this is too noisy to veto a candidate by itself. */
export const ESTABLISHED_MIN_POSITIVES = 5;

export interface TrainingInput {
  items: ConsensusItem[];
  embeddings: PhotoEmbedding[];
  dims: number;
  /** Tags the base models output: the head corrects these (with enough labels) rather than learning them anew. */
  baseTags: ReadonlySet<string>;
  /** The current version's thresholds of the base tags: what the current model shows them at. */
  baseThresholds: ReadonlyMap<string, number>;
  current: { head: TagHead; thresholds: ReadonlyMap<string, number> } | null;
  excludedDevices: number;
  /** What backs each new tag (./teachers.ts); null when the labels are true ones (the simulation's upper bound). */
  support: ReadonlyMap<string, TagSupport> | null;
  /** What admins decided about taught tags, and the policy for new ones (./tag-review.ts). */
  review: TagReview;
  options?: { l2?: number; epochs?: number; seed?: number; minPositives?: number; gate?: GateOptions };
  onProgress?: (stage: TrainingProgress['stage'], done: number, total: number) => void;
}

export interface TrainingOutcome {
  data: TrainingData;
  candidate: ModelMetrics | null;
  current: ModelMetrics | null;
  decision: GateDecision;
  /** The head to publish; null unless the gate passed. */
  head: TagHead | null;
  thresholds: Map<string, number>;
}

export async function train(input: TrainingInput): Promise<TrainingOutcome> {
  const { options = {}, current } = input;
  const currentTags = current?.head.tags ?? [];
  // A base tag's label is of use only with the base score it corrects: photos from apps that sent none are left out there.
  const scored = new Set(input.embeddings.filter((e) => e.baseScores !== null).map((e) => e.photoId));
  const items = input.items.filter((item) => !input.baseTags.has(item.tagKey) || scored.has(item.photoId));
  const { tags, corrected, heldBack, witnessed } = chooseHeadTags(items, input.baseTags, currentTags, input.support, input.review, options.minPositives ?? MIN_POSITIVES);
  const built = buildTrainingSet({ items: vouchedItems(items, input.baseTags, input.support), embeddings: input.embeddings, tags, dims: input.dims, baseTags: input.baseTags });
  const { set } = built;
  const trainRows = rowsOf(set, 'train');
  const heldOutRows = rowsOf(set, 'heldOut');
  const data = trainingData(input, built, { trainPhotos: trainRows.length, heldOutPhotos: heldOutRows.length, currentTags, corrected, heldBack });
  const skip = (reason: string): TrainingOutcome => ({
    data, candidate: null, current: null, decision: { publish: false, reasons: [reason, ...witnessReasons(witnessed)] }, head: null, thresholds: new Map(),
  });

  if (tags.length === 0) {
    const { positives, negatives } = MIN_CORRECTION_LABELS;
    return skip(`no tag to learn: no tag outside the base models has ${options.minPositives ?? MIN_POSITIVES} positive train photos yet, and no base tag ${positives} train photos labelled present and ${negatives} absent`);
  }
  if (trainRows.length === 0) return skip('no train photo has both a label and an embedding');
  if (!set.tags.some((_, t) => heldOutRows.some((row) => isPositiveCell(set, row, t)))) {
    return skip(`no held-out photo (of ${heldOutRows.length}) has a positive for a head tag, so no model can be judged`);
  }

  const trainOptions = { l2: options.l2, epochs: options.epochs, seed: options.seed };
  const trainings = Math.min(CALIBRATION_FOLDS, trainRows.length) + 1;
  let trained = 0;
  const onTraining = (done: number, total: number) => input.onProgress?.('training', trained + done / total, trainings);
  const fit = async (rows: readonly number[]) => {
    const head = await trainHead(set, rows, { ...trainOptions, onProgress: onTraining });
    trained++;
    return head;
  };

  const outOfFold = await outOfFoldScores(set, trainRows, fit);
  input.onProgress?.('calibrating', 0, 1);
  const thresholds = calibrateThresholds(set, trainRows, outOfFold);
  input.onProgress?.('calibrating', 1, 1);
  const candidateHead = await fit(trainRows);

  input.onProgress?.('evaluating', 0, 2);
  const scoreHeldOut = async (head: TagHead) => evaluateScores(set, heldOutRows, await scoreRows(head, set.x, heldOutRows, offsetRows(set, heldOutRows, set.tags)), thresholds);
  let candidate = await scoreHeldOut(candidateHead);
  input.onProgress?.('evaluating', 1, 2);
  const currentThresholds = new Map([...input.baseThresholds, ...(current?.thresholds ?? [])]);
  const currentMetrics = evaluateScores(set, heldOutRows, await currentScores(set, heldOutRows, current?.head ?? null), currentThresholds);
  input.onProgress?.('evaluating', 2, 2);

  const established = (candidates: readonly string[]) => candidates.filter((tag) => positivesOf(set, heldOutRows, set.tags.indexOf(tag)) >= ESTABLISHED_MIN_POSITIVES);
  const removed = currentTags.filter((tag) => !tags.includes(tag));
  const judged = { taught: established(currentTags.filter((tag) => !input.baseTags.has(tag))), base: established(corrected) };
  const gateOptions = options.gate ?? GATE_DEFAULTS;
  // A correction that made its tag worse is left out (the tag stays as the current model has it),
  // rather than holding back everything else the candidate learned.
  const leftOut = judged.base.map((tag) => ({ tag, drops: tagDrops(candidate, currentMetrics, tag, true, gateOptions.maxTagDrop) })).filter(({ drops }) => drops.length > 0);
  let head = candidateHead;
  if (leftOut.length > 0) {
    head = withCurrentColumns(candidateHead, leftOut.map(({ tag }) => tag), current?.head ?? null);
    for (const { tag } of leftOut) thresholds.set(tag, currentThresholds.get(tag)!);
    candidate = await scoreHeldOut(head);
  }
  const decision = gate(candidate, currentMetrics, judged, removed, gateOptions);
  decision.reasons.push(...leftOut.map(({ tag, drops }) => `${tag}: correction left out, as the current model has it (${drops.map((drop) => drop.slice(tag.length + 2)).join('; ')})`));
  decision.reasons.push(...witnessReasons(witnessed));
  if (current && current.head.dims !== set.dims) {
    decision.reasons.push(`the current head reads ${current.head.dims}-d embeddings, not ${set.dims}-d: it scored 0 here`);
  }
  return { data, candidate, current: currentMetrics, decision, head: decision.publish ? head : null, thresholds };
}

/**
 * The head with the columns of `tags` (corrections) as the current head has them, or neutral (log-odds 0:
 * the base score) where it has none.
 */
function withCurrentColumns(head: TagHead, tags: readonly string[], current: TagHead | null): TagHead {
  const weights = head.weights.slice();
  const bias = head.bias.slice();
  const width = head.tags.length;
  for (const tag of tags) {
    const t = head.tags.indexOf(tag);
    const c = current && current.dims === head.dims ? current.tags.indexOf(tag) : -1;
    for (let d = 0; d < head.dims; d++) weights[d * width + t] = c < 0 ? 0 : current!.weights[d * current!.tags.length + c];
    bias[t] = c < 0 ? 0 : current!.bias[c];
  }
  return { ...head, weights, bias };
}

/** Scores for every train row from a head that did not see it (folds by row position). */
async function outOfFoldScores(set: TrainingSet, rows: readonly number[], fit: (rows: readonly number[]) => Promise<TagHead>): Promise<Float32Array> {
  const tags = set.tags.length;
  const scores = new Float32Array(rows.length * tags);
  const folds = Math.min(CALIBRATION_FOLDS, rows.length);
  if (folds < 2) return scores.fill(0.5);
  for (let fold = 0; fold < folds; fold++) {
    const inFold = rows.map((_, i) => i).filter((i) => i % folds === fold);
    const head = await fit(rows.filter((_, i) => i % folds !== fold));
    const foldRows = inFold.map((i) => rows[i]);
    const foldScores = await scoreRows(head, set.x, foldRows, offsetRows(set, foldRows, set.tags));
    inFold.forEach((i, k) => scores.set(foldScores.subarray(k * tags, (k + 1) * tags), i * tags));
  }
  return scores;
}

/**
 * The current model's scores in the set's columns: a base tag the current head does not correct
 * scores what the base model said; a new tag it lacks scores 0 (it cannot show them), as do all
 * its tags when it reads another width.
 */
async function currentScores(set: TrainingSet, rows: readonly number[], head: TagHead | null): Promise<Float32Array> {
  const tags = set.tags.length;
  const scores = new Float32Array(rows.length * tags);
  rows.forEach((row, i) => {
    for (let t = 0; t < tags; t++) if (set.corrects[t]) scores[i * tags + t] = sigmoid(set.offset[row * tags + t]);
  });
  if (!head || head.dims !== set.dims || head.tags.length === 0) return scores;
  const own = await scoreRows(head, set.x, rows, offsetRows(set, rows, head.tags));
  head.tags.forEach((tag, h) => {
    const t = set.tags.indexOf(tag);
    if (t < 0) return;
    for (let i = 0; i < rows.length; i++) scores[i * tags + t] = own[i * head.tags.length + h];
  });
  return scores;
}

/** The base log-odds of `columns` (tags; 0 for any the set does not correct) on `rows`: rows.length × columns.length. */
function offsetRows(set: TrainingSet, rows: readonly number[], columns: readonly string[]): Float32Array {
  const tags = set.tags.length;
  const index = columns.map((tag) => set.tags.indexOf(tag));
  const offset = new Float32Array(rows.length * columns.length);
  rows.forEach((row, i) => {
    index.forEach((t, c) => {
      if (t >= 0 && set.corrects[t]) offset[i * columns.length + c] = set.offset[row * tags + t];
    });
  });
  return offset;
}

function rowsOf(set: TrainingSet, split: 'train' | 'heldOut'): number[] {
  return set.split.flatMap((s, row) => (s === split ? [row] : []));
}

const isPositiveCell = (set: TrainingSet, row: number, t: number) => {
  const cell = row * set.tags.length + t;
  return set.weight[cell] > 0 && isPositive(set.target[cell]);
};

const positivesOf = (set: TrainingSet, rows: readonly number[], t: number) => (t < 0 ? 0 : rows.filter((row) => isPositiveCell(set, row, t)).length);

function trainingData(
  input: TrainingInput,
  built: BuiltTrainingSet,
  { trainPhotos, heldOutPhotos, currentTags, corrected, heldBack }: { trainPhotos: number; heldOutPhotos: number; currentTags: readonly string[]; corrected: readonly string[]; heldBack: HeadTags['heldBack'] },
): TrainingData {
  const old = new Set(currentTags);
  return {
    photos: built.set.photoIds.length,
    trainPhotos,
    heldOutPhotos,
    labels: built.labels,
    hardExamples: built.hardExamples,
    withoutEmbedding: built.withoutEmbedding,
    excludedDevices: input.excludedDevices,
    tags: built.set.tags,
    newTags: built.set.tags.filter((tag) => !old.has(tag) && !input.baseTags.has(tag)),
    corrected: [...corrected],
    heldBack,
  };
}
