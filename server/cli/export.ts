import { resolve } from 'node:path';
import { createModelRegistry } from '../models/registry.ts';
import { serverPaths } from '../paths.ts';
import { createPhotoFiles } from '../storage/photo-files.ts';
import { exportTrainingData } from '../training/export.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';
import { withServerRepository } from './server-repository.ts';

/**
 * `wanwu export --out DIR [--data DIR]`: the training data of the server's database (WANWU_DATA or
 * DATABASE_URL, as the server reads them) as files: see server/training/export.ts.
 */
export const exportCommand: Command = {
  summary: 'write the training data (embeddings, consensus labels, shared photos as COCO) to a folder',
  usage: '--out DIR [--data DIR]',
  async run(args) {
    const options = parseOptions(args);
    const paths = serverPaths();
    const dataDir = options.data ? resolve(options.data) : paths.dataDir;
    return withServerRepository(dataDir, async (repository) => {
      const registry = createModelRegistry({ repository, builtBundleDir: paths.bundleDir, dataDir });
      const vocabulary = (await registry.current())?.manifest.tags ?? [];
      const summary = await exportTrainingData({ repository, photos: createPhotoFiles(dataDir), vocabulary, out: resolve(options.out) });
      process.stdout.write(
        `exported ${summary.photos} photos (${summary.withEmbedding} with an embedding, ${summary.sharedPhotos} shared) and ${summary.tags} tags to ${resolve(options.out)}\n`,
      );
      return 0;
    });
  },
};

function parseOptions(args: string[]): { out: string; data?: string } {
  const { values } = parseCommandArgs({ args, options: { out: { type: 'string' }, data: { type: 'string' } } });
  if (!values.out) throw new UsageError('--out DIR is required');
  return { out: values.out, data: values.data };
}
