import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './env.ts';

/** Dependencies point one way (docs/ARCHITECTURE.md, "Layers"): these rules keep the layers honest. */

/** Product source files; tests and shared test suites (`*.test.ts`, `*.case.ts`) run in Node only. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name) && !/\.(test|case)\.ts$/.test(entry.name))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2],
  );
}

function violations(dir: string, forbidden: RegExp): string[] {
  return sourceFiles(dir).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => forbidden.test(specifier))
      .map((specifier) => `${file} imports ${specifier}`),
  );
}

describe('dependency direction', () => {
  it('the shared pipeline imports no runtime, no DOM helper and no Node module', () => {
    expect(violations('models/pipeline', /^(node:|onnxruntime|fs$|path$)|\/(app|server)\//)).toEqual([]);
  });

  it('the app imports only the wire contract from the server, and the server never imports the app', () => {
    expect(violations('app', /(^|\/)server\/(?!contract\/)/)).toEqual([]);
    expect(violations('server', /(^|\/)app\//)).toEqual([]);
  });

  it('the wire contract stands alone: the app bundles it', () => {
    expect(violations('server/contract', /^(node:|\.\.\/)|(^|\/)(app|models)\//)).toEqual([]);
  });

  it('only the browser backend loads onnxruntime-web, only the Node backend onnxruntime-node', () => {
    const web = sourceFiles('app').filter((file) => importsOf(file).some((s) => s.startsWith('onnxruntime-web')));
    const node = sourceFiles('server').filter((file) => importsOf(file).some((s) => s.startsWith('onnxruntime-node')));
    expect(web).toEqual(['app/inference/ort-web-backend.ts']);
    expect(node).toEqual(['server/inference/ort-node-backend.ts']);
  });
});
