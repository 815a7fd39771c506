import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageOf } from '../pipeline/errors.ts';
import { buildBundle } from './build.ts';

// `npm run models`: the bundle the server serves and the tests use, in the git-ignored models/dist.
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

try {
  await buildBundle({
    outDir: resolve(dist, 'bundle'),
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(`models: build failed: ${messageOf(error)}`);
  process.exitCode = 1;
}
