import type { RecognitionErrorCode } from '../../models/pipeline/errors.ts';
import type { StageTimings } from '../../models/pipeline/types.ts';

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
  errors: Record<RecognitionErrorCode, string>;
  // -- feedback on the result screen (verdicts, add tag, quick question, personal tags) --
  // -- end feedback --
  // -- history, settings, storage --
  // -- end history --
}
