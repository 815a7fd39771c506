import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const modelsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repo's code and data a bundle is made from: converter, build, labels and the manifest format. */
async function repoInputs(): Promise<string[]> {
  const folders = ['convert', 'build', 'labels'].map((folder) => join(modelsRoot, folder));
  const listed = await Promise.all(folders.map(async (folder) => (await readdir(folder)).map((name) => join(folder, name))));
  const used = listed.flat().filter((path) => /\.(ts|json)$/.test(path) && !path.endsWith('.test.ts'));
  return [...used, join(modelsRoot, 'pipeline', 'manifest.ts')].sort();
}

/** A TF.js graph model: its model.json and the weight files it names. */
async function tfjsModelFiles(modelJson: string): Promise<string[]> {
  const { weightsManifest } = JSON.parse(await readFile(modelJson, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  return [modelJson, ...weightsManifest.flatMap((group) => group.paths.map((path) => join(dirname(modelJson), path)))];
}

/** A hash of everything the bundle is built from; `classifier` is the sha256 of the classifier it ships. */
export async function inputsFingerprint(detectorModelJson: string, classifier: string): Promise<string> {
  const repo = await repoInputs();
  const human = await tfjsModelFiles(detectorModelJson);
  const named = [
    ...repo.map((path) => [relative(modelsRoot, path), path]),
    ...human.map((path) => [`detector/${basename(path)}`, path]),
  ];
  const lines = await Promise.all(named.map(async ([name, path]) => `${name} ${await hashFile(path)}`));
  lines.push(`classifier ${classifier}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
