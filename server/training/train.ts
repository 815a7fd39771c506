import type { ModelMetrics, TrainingData, TrainingProgress } from '../contract/training.ts';
import type { ConsensusItem, PhotoEmbedding } from '../storage/repository.ts';
import { calibrateThresholds } from './calibrate.ts';
import { buildTrainingSet, chooseHeadTags, isPositive, MIN_POSITIVES, vouchedItems, type BuiltTrainingSet, type HeadTags } from './dataset.ts';
import { GATE_DEFAULTS, gate, witnessReasons } from './gate.ts';
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
  /** Tags the base models output: the head never learns these. */
  baseTags: ReadonlySet<string>;
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
  const { tags, heldBack, witnessed } = chooseHeadTags(input.items, input.baseTags, currentTags, input.support, input.review, options.minPositives ?? MIN_POSITIVES);
  const built = buildTrainingSet({ items: vouchedItems(input.items, input.baseTags, input.support), embeddings: input.embeddings, tags, dims: input.dims });
  const { set } = built;
  const trainRows = rowsOf(set, 'train');
  const heldOutRows = rowsOf(set, 'heldOut');
  const data = trainingData(input, built, { trainPhotos: trainRows.length, heldOutPhotos: heldOutRows.length, currentTags, heldBack });
  const skip = (reason: string): TrainingOutcome => ({
    data, candidate: null, current: null, decision: { publish: false, reasons: [reason, ...witnessReasons(witnessed)] }, head: null, thresholds: new Map(),
  });

  if (tags.length === 0) {
    return skip(`no tag to learn: no tag outside the base models has ${options.minPositives ?? MIN_POSITIVES} positive train photos yet`);
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
  const candidate = evaluateScores(set, heldOutRows, await scoreRows(candidateHead, set.x, heldOutRows), thresholds);
  input.onProgress?.('evaluating', 1, 2);
  const currentMetrics = evaluateScores(set, heldOutRows, await currentScores(set, heldOutRows, current?.head ?? null), current?.thresholds ?? new Map());
  input.onProgress?.('evaluating', 2, 2);

  const established = currentTags.filter((tag) => positivesOf(set, heldOutRows, set.tags.indexOf(tag)) >= ESTABLISHED_MIN_POSITIVES);
  const removed = currentTags.filter((tag) => !tags.includes(tag));
  const decision = gate(candidate, currentMetrics, established, removed, options.gate ?? GATE_DEFAULTS);
  decision.reasons.push(...witnessReasons(witnessed));
  if (current && current.head.dims !== set.dims) {
    decision.reasons.push(`the current head reads ${current.head.dims}-d embeddings, not ${set.dims}-d: it scored 0 here`);
  }
  return { data, candidate, current: currentMetrics, decision, head: decision.publish ? candidateHead : null, thresholds };
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
    const foldScores = await scoreRows(head, set.x, inFold.map((i) => rows[i]));
    inFold.forEach((i, k) => scores.set(foldScores.subarray(k * tags, (k + 1) * tags), i * tags));
  }
  return scores;
}

/** The current head's scores in the set's columns: 0 for tags it lacks (it cannot show them), or for all when it reads another width. */
async function currentScores(set: TrainingSet, rows: readonly number[], head: TagHead | null): Promise<Float32Array> {
  const tags = set.tags.length;
  const scores = new Float32Array(rows.length * tags);
  if (!head || head.dims !== set.dims || head.tags.length === 0) return scores;
  const own = await scoreRows(head, set.x, rows);
  head.tags.forEach((tag, h) => {
    const t = set.tags.indexOf(tag);
    if (t < 0) return;
    for (let i = 0; i < rows.length; i++) scores[i * tags + t] = own[i * head.tags.length + h];
  });
  return scores;
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
  { trainPhotos, heldOutPhotos, currentTags, heldBack }: { trainPhotos: number; heldOutPhotos: number; currentTags: readonly string[]; heldBack: HeadTags['heldBack'] },
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
    newTags: built.set.tags.filter((tag) => !old.has(tag)),
    heldBack,
  };
}
