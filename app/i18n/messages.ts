import type { StageTimings } from '../../models/pipeline/types.ts';
import type { QuarantineReason } from '../../server/contract/admin.ts';
import type { AuditedStatus, NewTagPolicy, TagDecision } from '../../server/contract/admin.ts';
import type { AdminErrorCode } from '../admin/admin-api.ts';
import type { HeldBackReason, TrainingProgress, TrainingStatus, TrainingTrigger } from '../../server/contract/training.ts';
import type { AppErrorCode } from '../errors/handle-error.ts';
import type { SyncErrorCode } from '../sync/sync-api.ts';

/** Every piece of text the UI shows; each language is one object of this shape. */
export interface Messages {
  /** The `<html lang>` value for this language. */
  htmlLang: string;
  /** The language's own name, shown on the switch that selects it. */
  languageName: string;
  title: string;
  appName: string;
  tagline: string;
  privacy: string;
  offlineReady: string;
  pickPhoto: string;
  dropOrPaste: string;
  dropHere: string;
  preparingModels: string;
  downloadingModels: (loaded: string, total: string) => string;
  recognising: string;
  photoAlt: string;
  tagsTitle: string;
  noTags: string;
  moreTags: (count: number) => string;
  switchLanguage: string;
  details: string;
  provider: string;
  threads: string;
  modelVersion: string;
  timings: string;
  stages: Record<keyof StageTimings, string>;
  retry: string;
  errors: Record<AppErrorCode, string>;
  // -- feedback on the result screen (verdicts, add tag, quick question, personal tags) --
  /** Accessible names of a tag's two verdict buttons (exactly these words: screen readers and tests use them). */
  correct: string;
  wrong: string;
  /** Confirms every listed tag that has no verdict yet. */
  allCorrect: string;
  undo: string;
  /** What the undo toast says was just done. */
  done: { correct: (tag: string) => string; wrong: (tag: string) => string; added: (tag: string) => string; confirmed: string; undone: string };
  personalBadge: string;
  /** On a tag the trained head adds: taught by everyone's feedback, not by the base models. */
  headBadge: string;
  addedBadge: string;
  addTag: string;
  addTagHint: string;
  addTagButton: string;
  /** The listbox option that adds the typed text as a tag of its own. */
  newTag: (text: string) => string;
  quickQuestion: (tag: string) => string;
  yes: string;
  no: string;
  notSure: string;
  // -- end feedback --
  // -- history, settings, storage --
  /** Navigation between the camera (and its result), the history and the settings. */
  navCamera: string;
  navHistory: string;
  navSettings: string;
  historyTitle: string;
  historyCount: (count: number) => string;
  historyNeedsReview: string;
  historySearch: string;
  historyEmpty: string;
  historyNoMatch: string;
  historyLoading: string;
  /** What a tag chip in the history says to screen readers about its verdict. */
  historyVerdict: Record<'correct' | 'wrong' | 'none', string>;
  historyNoThumbnail: string;
  deletePhoto: string;
  deleteQuestion: string;
  deleteConfirm: string;
  cancel: string;
  storageTitle: string;
  storageUsed: string;
  storageUsage: (used: string, quota: string) => string;
  storageUnknown: string;
  storagePersistent: string;
  storagePersistentYes: string;
  storagePersistentNo: string;
  storagePhotos: string;
  storagePending: string;
  syncTitle: string;
  /** Events the server refused for good; they stay on the device. */
  syncRejected: string;
  syncLast: string;
  syncNever: string;
  /** When the last sync went wrong, and why (by code). */
  syncLastError: string;
  syncErrors: Record<SyncErrorCode, string>;
  syncNow: string;
  syncing: string;
  syncUploadPhotos: string;
  syncUploadPhotosHint: string;
  languageTitle: string;
  /** Shown instead of a photo whose bytes were dropped to free space. */
  photoFreed: string;
  // -- end history --
  // -- admin --
  /** The link from Settings to the dashboard. */
  adminLink: string;
  adminTitle: string;
  adminTokenLabel: string;
  adminTokenHint: string;
  adminUnlock: string;
  adminLock: string;
  adminRefresh: string;
  adminErrors: Record<AdminErrorCode, string>;
  adminNoData: string;
  adminFeedbackTitle: string;
  adminEvents: string;
  adminTagsTitle: string;
  adminTag: string;
  adminPrecision: string;
  adminRecall: string;
  adminSupport: string;
  /** The column a table is sorted by, for screen readers. */
  adminSortBy: (column: string) => string;
  adminDevicesTitle: string;
  adminVotes: string;
  adminReliability: string;
  adminStatus: Record<AuditedStatus, string>;
  adminQuarantineTitle: string;
  adminNoQuarantine: string;
  adminDevice: string;
  adminReason: string;
  /** Why consensus quarantined a device, by the server's reason code. */
  adminReasons: Record<QuarantineReason, string>;
  adminEvidence: string;
  adminRelease: string;
  adminBan: string;
  adminHardTitle: string;
  adminModelScore: string;
  adminConsensusProbability: string;
  adminWantedTitle: string;
  /** The need every tag not listed shares, as a percentage. */
  adminNeedOthers: (need: string) => string;
  adminRunTitle: string;
  adminLastRun: (when: string, votes: number, ms: number) => string;
  adminNeverRun: string;
  adminRunNow: string;
  adminRunning: string;
  /** Quarantine rules consensus held back because they would set aside too many devices at once. */
  adminAlertsTitle: string;
  adminNoAlerts: string;
  /** How many devices a held-back rule named, and their share (formatted) of the devices it judged. */
  adminAlertDevices: (devices: number, share: string) => string;
  adminAlertTag: string;
  adminAlertHint: string;
  /** One photo's audit: how consensus reached each of its tags. */
  adminAuditOpen: string;
  adminAuditTitle: string;
  adminAuditHint: string;
  adminAuditClose: string;
  adminAuditPrior: string;
  adminAuditNoModel: string;
  adminAuditAnswer: string;
  adminAuditAnswers: Record<'present' | 'absent', string>;
  adminAuditWeight: string;
  adminAuditStatus: string;
  /** Today's usage against the daily quotas. */
  adminUsageTitle: string;
  adminUsageData: string;
  adminUsagePhotos: string;
  /** `used` of `limit` (both formatted, with their unit). */
  adminUsageOf: (used: string, limit: string) => string;
  adminUsagePerDevice: (events: string, megabytes: string, photos: string) => string;
  adminUsageNearest: string;
  // -- end admin --
  // -- training (admin) --
  trainingTitle: string;
  trainNow: string;
  trainingRunning: string;
  trainingStages: Record<TrainingProgress['stage'], string>;
  trainingNoRuns: string;
  trainingWhen: string;
  trainingTrigger: string;
  trainingStatus: string;
  trainingMap: string;
  trainingNewTags: string;
  /** A taught tag not learned, with why (`reason`: one of heldBackReasons). */
  trainingHeldBack: (tag: string, reason: string) => string;
  /** Why a new taught tag is not learned (training runs, the review queue). */
  heldBackReasons: Record<HeldBackReason, string>;
  trainingDuration: string;
  trainingReasons: string;
  trainingTriggers: Record<TrainingTrigger, string>;
  trainingStatuses: Record<TrainingStatus, string>;
  modelsTitle: string;
  modelsCurrent: string;
  /** A version's tag counts: all, and of them taught by people. */
  modelsTags: (tags: number, taught: number) => string;
  modelsRollback: string;
  modelsConfirmRollback: (version: string) => string;
  modelsCancel: string;
  /** The review queue of new taught tags. */
  taughtTitle: string;
  taughtPolicies: Record<NewTagPolicy, string>;
  taughtNone: string;
  /** Positive photos, and devices that taught it: trusted ones of all. */
  taughtEvidence: (photos: number, trusted: number, all: number) => string;
  /** Nothing holds the tag back: the next training run with 2 of its photos learns it. */
  taughtWillLearn: string;
  taughtDecisions: Record<TagDecision, string>;
  taughtApprove: string;
  taughtRefuse: string;
  taughtRename: string;
  taughtNewName: string;
  taughtMerge: string;
  taughtMergeInto: string;
  taughtSave: string;
  // -- end training --
  // -- model update --
  /** After a switch; `learned` taught tags the new model has that the old one lacked. */
  modelUpdated: (learned: number) => string;
  /** The new model failed to load or run: the previous one is back. */
  modelRolledBack: string;
  modelUpdateDismiss: string;
  modelUpdateDownloading: (loaded: string, total: string) => string;
  modelTitle: string;
  modelActive: string;
  modelPrevious: string;
  modelNoPrevious: string;
  // -- end model update --
  // -- read text --
  textTitle: string;
  textRead: string;
  /** The OCR models' first download, in MB. */
  textDownloading: (loaded: string, total: string) => string;
  textReading: string;
  textNone: string;
  textFailed: string;
  textCopy: string;
  textCopied: string;
  /** The ✓ button's name: the line says what was read. */
  textConfirm: string;
  /** The input's name: what the line really says. */
  textEdit: string;
  textSave: string;
  textConfirmed: string;
  /** A corrected line, with what the OCR had read. */
  textCorrected: (original: string) => string;
  textNotKept: string;
  settingsReadText: string;
  /** The switch that reads every new photo (under the settingsReadText heading). */
  settingsReadTextAll: string;
  settingsReadTextHint: string;
  /** The switch that reads a photo by itself when it seems to carry text. */
  settingsReadTextHeavy: string;
  settingsReadTextHeavyHint: string;
  // -- end read text --
  // -- text search and reading time (history, technical details) --
  /** Before the line of a photo's text that the history search matched (read by screen readers). */
  historyTextMatch: string;
  /** The technical details' row with the time reading the photo's text took. */
  readingTextTime: string;
  // -- end text search --
  // -- corrections of the base tags (technical details) --
  /** Heading of the tags whose shown/hidden state feedback from everyone changed on this photo. */
  correctedTags: string;
  /** One such tag: shown now (or hidden now), how many people's answers taught it, what the base model scored (a percentage). */
  correctedTag: (shown: boolean, people: number, baseScore: string) => string;
  // -- end corrections --
}
