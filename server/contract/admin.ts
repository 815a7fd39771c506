import { z } from 'zod';
import { MAX_TAG_TEXT } from './feedback-event.ts';
import { TagNeedSchema } from './sync.ts';
import { HeldBackReasonSchema } from './training.ts';

/** The admin API's answers (`/api/v1/admin/...`, admin token): what the dashboard shows. */

/** Why consensus set a device aside: no better than chance, opposite to it, faster than a person, one answer to everything, a group answering as one. */
export const QuarantineReasonSchema = z.enum(['chance', 'opposite', 'too-fast', 'constant', 'collusion']);

export const DeviceStatusSchema = z.enum(['active', 'quarantined', 'banned']);

export const AdminDeviceSchema = z.object({
  deviceId: z.string(),
  status: DeviceStatusSchema,
  reliability: z.number(),
  uncertainty: z.number(),
  sensitivity: z.number(),
  specificity: z.number(),
  votes: z.number().int(),
  /** Why it is quarantined or banned, with the evidence in words. */
  reason: z.string().nullable(),
  evidence: z.string().nullable(),
});

export const AdminTagQualitySchema = z.object({
  tagKey: z.string(),
  en: z.string(),
  zh: z.string(),
  /** Of the current model's shown tags, the share consensus confirms; null without data. */
  precision: z.number().nullable(),
  /** Of the tags consensus says are present, the share the model showed; null without data. */
  recall: z.number().nullable(),
  /** Items with a confident consensus for this tag. */
  support: z.number().int(),
});

export const AdminHardExampleSchema = z.object({
  photoId: z.string(),
  tagKey: z.string(),
  modelScore: z.number(),
  probability: z.number(),
  /** The photo was shared: its thumbnail can be fetched from `GET /api/v1/admin/photos/<photoId>`. */
  shared: z.boolean(),
});

/**
 * A quarantine rule held back because it would set aside too large a share of the devices at once
 * (../consensus/quarantine.ts): its devices stay active until an admin decides.
 */
export const ConsensusAlertSchema = z.object({
  rule: QuarantineReasonSchema,
  /** The tag, for the rule judged on one tag's answers; null for a rule on whole devices. */
  tagKey: z.string().nullable(),
  /** The devices it would have quarantined. */
  devices: z.array(z.string()),
  /** Their share of the active devices (of those that answered the tag, for a rule on one tag). */
  share: z.number(),
  /** In words: how many, why it is held back, and the first device's evidence. */
  evidence: z.string(),
});

/** One consensus run: when (ISO-8601), how long, over how many standing votes, and whether it only added new events. */
export const ConsensusRunSchema = z.object({ at: z.string(), ms: z.number(), votes: z.number().int(), incremental: z.boolean() });

export const AdminConsensusSchema = z.object({
  lastRun: ConsensusRunSchema.nullable(),
  feedbackPerDay: z.array(z.object({ day: z.string(), events: z.number().int() })),
  tags: z.array(AdminTagQualitySchema),
  devices: z.array(AdminDeviceSchema),
  hardExamples: z.array(AdminHardExampleSchema),
  /** What the latest run needs answers about, as sync answers carry it. */
  need: TagNeedSchema,
  /** The latest run's held-back rules, for an admin to decide about their devices. */
  alerts: z.array(ConsensusAlertSchema),
});

/** A device as consensus counted it in the latest run: released means an admin lifted a quarantine for good. */
export const AuditedStatusSchema = z.enum(['active', 'quarantined', 'banned', 'released']);

/**
 * `GET /api/v1/admin/photos/<photoId>/consensus`: how the latest consensus run reached each of a
 * photo's tags. Weights are log-odds: a tag's log-odds are its prior, plus the model's weight, plus
 * the weight of every answer whose device counts (active or released), and its probability is
 * their logistic; quarantined and banned devices' answers count nothing.
 */
export const PhotoConsensusSchema = z.object({
  photoId: z.string(),
  tags: z.array(
    z.object({
      tagKey: z.string(),
      probability: z.number(),
      /** The tag's prevalence among all photos, as log-odds: where the estimate starts. */
      prior: z.number(),
      /** The model's score and what it added, when an event carried one; null when the model was no voter here. */
      model: z.object({ score: z.number(), weight: z.number() }).nullable(),
      answers: z.array(
        z.object({
          deviceId: z.string(),
          answer: z.enum(['present', 'absent']),
          /** What this answer adds when its device counts: the trust consensus gives that device on this tag. */
          weight: z.number(),
          status: AuditedStatusSchema,
        }),
      ),
    }),
  ),
});

/** `POST /api/v1/admin/tags/merge`: count a free-text tag as a vocabulary tag from now on. */
export const TagMergeRequestSchema = z.strictObject({
  from: z.string().startsWith('text:').max(200),
  into: z.string().min(1).max(100),
});

/** An admin's decision about a new taught tag: learned once it has the photos, or never. */
export const TagDecisionSchema = z.enum(['approved', 'refused']);

/**
 * Whether new taught tags are learned as soon as they pass the automatic checks (`automatic`) or
 * only once an admin approved them (`approval`); WANWU_NEW_TAGS, see the README's Security model.
 */
export const NewTagPolicySchema = z.enum(['automatic', 'approval']);

/** One new taught tag (not yet in the head) with the evidence an admin decides on. */
export const TaughtTagSchema = z.object({
  tagKey: z.string(),
  /** Photos consensus says show it. */
  positivePhotos: z.number().int(),
  /** Devices that said it is present: trusted ones (server/training/teachers.ts) and all. */
  trustedTeachers: z.number().int(),
  teachers: z.number().int(),
  /** Why the next training run would not learn it (photos aside); null when it would. */
  heldBack: HeldBackReasonSchema.nullable(),
  decision: TagDecisionSchema.nullable(),
  /** Some of its positive photos, the shared ones first (`GET /api/v1/admin/photos/<photoId>` shows those). */
  samples: z.array(z.object({ photoId: z.string(), shared: z.boolean() })),
});

/** `GET /api/v1/admin/taught-tags`: the policy in force and the tags waiting, most taught first. */
export const AdminTaughtTagsSchema = z.object({ policy: NewTagPolicySchema, tags: z.array(TaughtTagSchema) });

/** `POST /api/v1/admin/taught-tags/<key>/rename`: the name people should see; the tag's labels follow it. */
export const TagRenameRequestSchema = z.strictObject({ name: z.string().min(1).max(MAX_TAG_TEXT) });

/** The answer to approve, refuse and rename: the decision as stored for the (new) key. */
export const TagDecisionChangeSchema = z.object({ tagKey: z.string(), decision: TagDecisionSchema });

/** The answer to `POST /api/v1/admin/devices/<id>/release` and `/ban`. */
export const DeviceStatusChangeSchema = z.object({ deviceId: z.string(), status: DeviceStatusSchema });

export type ConsensusAlert = z.infer<typeof ConsensusAlertSchema>;
export type AuditedStatus = z.infer<typeof AuditedStatusSchema>;
export type PhotoConsensus = z.infer<typeof PhotoConsensusSchema>;
export type ConsensusRun = z.infer<typeof ConsensusRunSchema>;
export type TagMergeRequest = z.infer<typeof TagMergeRequestSchema>;
export type DeviceStatusChange = z.infer<typeof DeviceStatusChangeSchema>;
export type QuarantineReason = z.infer<typeof QuarantineReasonSchema>;
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;
export type AdminDevice = z.infer<typeof AdminDeviceSchema>;
export type AdminTagQuality = z.infer<typeof AdminTagQualitySchema>;
export type AdminHardExample = z.infer<typeof AdminHardExampleSchema>;
export type AdminConsensus = z.infer<typeof AdminConsensusSchema>;
export type TagDecision = z.infer<typeof TagDecisionSchema>;
export type NewTagPolicy = z.infer<typeof NewTagPolicySchema>;
export type TaughtTag = z.infer<typeof TaughtTagSchema>;
export type AdminTaughtTags = z.infer<typeof AdminTaughtTagsSchema>;
export type TagRenameRequest = z.infer<typeof TagRenameRequestSchema>;
export type TagDecisionChange = z.infer<typeof TagDecisionChangeSchema>;
