import { z } from 'zod';

/** The admin API's answers (`/api/v1/admin/...`, admin token): what the dashboard shows. */

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

export const AdminConsensusSchema = z.object({
  lastRun: z
    .object({ at: z.string(), ms: z.number(), votes: z.number().int(), incremental: z.boolean() })
    .nullable(),
  feedbackPerDay: z.array(z.object({ day: z.string(), events: z.number().int() })),
  tags: z.array(AdminTagQualitySchema),
  devices: z.array(AdminDeviceSchema),
  hardExamples: z.array(AdminHardExampleSchema),
  wantedTags: z.array(z.string()),
});

export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;
export type AdminDevice = z.infer<typeof AdminDeviceSchema>;
export type AdminTagQuality = z.infer<typeof AdminTagQualitySchema>;
export type AdminHardExample = z.infer<typeof AdminHardExampleSchema>;
export type AdminConsensus = z.infer<typeof AdminConsensusSchema>;
