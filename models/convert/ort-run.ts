import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { repoRoot } from '../../test/env.ts';

/** Test-time helpers that run converted models in onnxruntime-node. */

export interface Feed {
  data: Float32Array;
  dims: readonly number[];
}

export async function runOnnx(model: Uint8Array, feeds: Record<string, Feed>): Promise<Record<string, Feed>> {
  const session = await ort.InferenceSession.create(model);
  try {
    const inputs = Object.fromEntries(
      Object.entries(feeds).map(([name, feed]) => [name, new ort.Tensor('float32', feed.data, feed.dims)]),
    );
    const results = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(results).map(([name, tensor]) => [name, { data: tensor.data as Float32Array, dims: tensor.dims }]),
    );
  } finally {
    await session.release();
  }
}

/**
 * Everything onnxruntime prints at warning level or above while loading the model. The native
 * logger writes straight to file descriptor 2, so the load happens in a child process.
 */
export function loadWarnings(model: Uint8Array): string {
  const folder = mkdtempSync(join(tmpdir(), 'wanwu-onnx-'));
  try {
    const path = join(folder, 'model.onnx');
    writeFileSync(path, model);
    const script = `
      import * as ort from 'onnxruntime-node';
      ort.env.logLevel = 'warning';
      const session = await ort.InferenceSession.create(${JSON.stringify(path)}, { logSeverityLevel: 2 });
      await session.release();`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`onnxruntime failed to load the model: ${child.stderr}`);
    return `${child.stdout}${child.stderr}`.trim();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** ||a - b|| / ||b|| */
export function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}
