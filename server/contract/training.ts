import { z } from 'zod';

/**
 * Training runs and model versions, as the admin API answers them and the dashboard and
 * CLI show them. The training job (server/training/job.ts) records one TrainingRun per run.
 */

export const TrainingTriggerSchema = z.enum(['api', 'cli', 'schedule']);

/** `running` until it ends: `published` (passed the gate), `refused` (did not), `skipped` (too little data), `failed` (an error). */
export const TrainingStatusSchema = z.enum(['running', 'published', 'refused', 'skipped', 'failed']);

/**
 * Why a new taught tag was not learned: its name advertises (server/training/taught-names.ts),
 * fewer than three trusted devices taught it, no held-out photo backs it from a trusted device that
 * did not teach it (server/training/teachers.ts), an admin refused it, or new tags need an admin's
 * approval and it has none yet (server/training/tag-review.ts).
 */
export const HeldBackReasonSchema = z.enum(['web-address', 'email-address', 'phone-or-contact', 'few-teachers', 'unwitnessed', 'refused', 'awaiting-approval']);

/** What went in: photos and samples by split, tags learned, and what was left out. */
export const TrainingDataSchema = z.object({
  photos: z.number().int(),
  trainPhotos: z.number().int(),
  heldOutPhotos: z.number().int(),
  /** (photo, tag) labels used, after quarantined devices were excluded. */
  labels: z.number().int(),
  hardExamples: z.number().int(),
  /** Photos left out: no embedding, or one of another width than the head's input. */
  withoutEmbedding: z.number().int(),
  excludedDevices: z.number().int(),
  /** Tags the candidate head learns (tag keys), and of them the taught ones no earlier model had. */
  tags: z.array(z.string()),
  newTags: z.array(z.string()),
  /** Of `tags`, the base models' tags it corrects from feedback; empty in runs recorded before corrections. */
  corrected: z.array(z.string()).default([]),
  /**
   * New taught tags with enough photos that were not learned: the name advertises (a web or email
   * address, a phone number or contact handle), too few trusted devices taught it, or none but its
   * teachers named it on a held-out photo; empty in runs recorded before these checks.
   */
  heldBack: z.array(z.object({ tag: z.string(), reason: HeldBackReasonSchema })).default([]),
});

/** How one tag's shown/hidden decisions did on the held-out photos. */
export const TagDecisionsSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number() });

/**
 * AP per tag key (null: no positive in the held-out photos, so no AP), and per tag with a positive
 * the precision, recall and F1 of showing it at its threshold (absent in runs recorded before).
 */
export const ModelMetricsSchema = z.object({
  mAP: z.number(),
  microF1: z.number(),
  perTagAP: z.record(z.string(), z.number().nullable()),
  perTagShown: z.record(z.string(), TagDecisionsSchema).optional(),
});

/** The gate's verdict in words a person can check: each reason names the rule and the numbers. */
export const GateDecisionSchema = z.object({
  publish: z.boolean(),
  reasons: z.array(z.string()),
});

export const TrainingRunSchema = z.object({
  id: z.string(),
  trigger: TrainingTriggerSchema,
  status: TrainingStatusSchema,
  /** ISO-8601. */
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** The bundle version it was trained from, and the one it published (when it did). */
  baseVersion: z.string().nullable(),
  publishedVersion: z.string().nullable(),
  data: TrainingDataSchema.nullable(),
  candidate: ModelMetricsSchema.nullable(),
  current: ModelMetricsSchema.nullable(),
  decision: GateDecisionSchema.nullable(),
  error: z.string().nullable(),
});

/** Live progress of the running job: stage, and done/total of that stage. */
export const TrainingProgressSchema = z.object({
  runId: z.string(),
  stage: z.enum(['loading', 'training', 'calibrating', 'evaluating', 'publishing']),
  done: z.number(),
  total: z.number(),
});

/** `GET /api/v1/admin/training`: the running job's progress, and the latest runs, newest first. */
export const AdminTrainingSchema = z.object({
  progress: TrainingProgressSchema.nullable(),
  runs: z.array(TrainingRunSchema),
});

/** One published bundle version (`GET /api/v1/admin/models`): immutable once made. */
export const ModelVersionSchema = z.object({
  version: z.string(),
  createdAt: z.string(),
  /** The version apps are told to run. */
  current: z.boolean(),
  /** The run that made it; null for the bundle `npm run models` built. */
  runId: z.string().nullable(),
  previous: z.string().nullable(),
  tags: z.number().int(),
  taughtTags: z.number().int(),
});

/** `POST /api/v1/admin/models/rollback`: make an earlier version current again. */
export const RollbackRequestSchema = z.strictObject({ version: z.string().min(1).max(100) });

export type TrainingTrigger = z.infer<typeof TrainingTriggerSchema>;
export type TrainingStatus = z.infer<typeof TrainingStatusSchema>;
export type TrainingData = z.infer<typeof TrainingDataSchema>;
export type HeldBackReason = z.infer<typeof HeldBackReasonSchema>;
export type ModelMetrics = z.infer<typeof ModelMetricsSchema>;
export type GateDecision = z.infer<typeof GateDecisionSchema>;
export type TrainingRun = z.infer<typeof TrainingRunSchema>;
export type TrainingProgress = z.infer<typeof TrainingProgressSchema>;
export type AdminTraining = z.infer<typeof AdminTrainingSchema>;
export type ModelVersion = z.infer<typeof ModelVersionSchema>;
