import type { Messages } from './messages.ts';

export const en: Messages = {
  htmlLang: 'en',
  languageName: 'English',
  title: 'Wanwu · see what is in a photo',
  appName: 'Wanwu',
  tagline: 'Snap a photo to see what is in it.',
  privacy: 'Recognition runs entirely on your device; your photo is never uploaded.',
  offlineReady: 'Ready to work offline',
  pickPhoto: 'Take or choose a photo',
  dropOrPaste: 'or drop a photo here, or paste one with Ctrl+V',
  dropHere: 'Drop to recognise',
  preparingModels: 'Preparing models…',
  downloadingModels: (loaded, total) => `Downloading models… ${loaded} / ${total} MB`,
  recognising: 'Recognising…',
  photoAlt: 'Your photo',
  tagsTitle: 'In this photo',
  noTags: 'Nothing recognised. Try another angle, or get a bit closer?',
  moreTags: (count) => `Other possibilities (${count})`,
  switchLanguage: 'Switch language',
  details: 'Technical details',
  provider: 'Execution provider',
  threads: 'Threads',
  modelVersion: 'Model version',
  timings: 'Time per stage',
  stages: {
    decode: 'Decode',
    preprocess: 'Preprocess',
    detector: 'Detector',
    classifier: 'Classifier',
    postprocess: 'Postprocess',
    total: 'Total',
  },
  retry: 'Try again',
  errors: {
    'not-an-image': 'This file is not an image. Please choose a photo (JPEG, PNG or WebP).',
    'unsupported-format': 'This image format (such as HEIC) is not supported yet. Please choose a JPEG, PNG or WebP photo.',
    'corrupt-image': "This image is damaged or incomplete and can't be read.",
    'image-too-large': 'This image is too large (over 100 megapixels). Please choose a smaller photo.',
    'model-unavailable': "The recognition models couldn't be loaded. Connect to the internet and try again.",
    'inference-failed': 'Something went wrong while recognising. Please try again.',
  },
  // -- feedback on the result screen (verdicts, add tag, quick question, personal tags) --
  // -- end feedback --
  // -- history, settings, storage --
  // -- end history --
};
