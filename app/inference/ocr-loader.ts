import { RecognitionError } from '../../models/pipeline/errors.ts';
import type { BundleFile, Manifest, OcrEntry } from '../../models/pipeline/manifest.ts';
import type { TextReader } from '../../models/pipeline/ocr/text-reader.ts';
import type { DownloadProgress } from './protocol.ts';

/**
 * The text reader of the active bundle, made the first time text is read: the OCR files (about
 * 16 MB) are fetched only then. It is kept while bundles bring the same OCR (a trained head does
 * not touch it) and replaced when one brings other OCR files. Downloading and building are
 * injected: the worker passes the verified, sha256-cached loader and onnxruntime-web.
 */

export interface OcrLoaderDeps {
  files(version: string, files: readonly BundleFile[], onProgress: (progress: DownloadProgress) => void): Promise<Record<string, Uint8Array>>;
  create(entry: OcrEntry, files: Record<string, Uint8Array>): Promise<TextReader>;
}

export interface OcrLoader {
  reader(manifest: Manifest, onProgress: (progress: DownloadProgress) => void): Promise<TextReader>;
}

export function createOcrLoader(deps: OcrLoaderDeps): OcrLoader {
  let current: { key: string; reader: Promise<TextReader> } | undefined;
  return {
    reader(manifest, onProgress) {
      const { ocr } = manifest;
      if (!ocr) return Promise.reject(new RecognitionError('model-unavailable', `Model bundle ${manifest.version} cannot read text`));
      // The entry names every file by hash: the same entry is the same reader.
      const key = JSON.stringify(ocr);
      if (current?.key === key) return current.reader;
      const replaced = current;
      const reader = deps.files(manifest.version, ocr.files, onProgress).then((files) => deps.create(ocr, files));
      current = { key, reader };
      // A failed load is forgotten, so that the next request tries again (e.g. back online).
      reader.catch(() => {
        if (current?.reader === reader) current = undefined;
      });
      void replaced?.reader.then((old) => old.release(), () => undefined);
      return reader;
    },
  };
}
