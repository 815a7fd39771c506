import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRepository } from '../storage/open-repository.ts';
import type { Repository } from '../storage/repository.ts';
import { adminTokenHash, chosenAdminToken } from './admin-token.ts';
import { hashToken, tokenMatches } from './tokens.ts';

let dataDir: string;
let repository: Repository;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wanwu-admin-'));
  repository = await openRepository({ dataDir });
});
afterEach(async () => {
  await repository.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('adminTokenHash', () => {
  it('generates a token at the first start, shows it once, and keeps only its hash across restarts', async () => {
    const shown: string[] = [];
    const first = await adminTokenHash(repository, undefined, (token) => shown.push(token));
    await repository.close();
    repository = await openRepository({ dataDir });
    const second = await adminTokenHash(repository, undefined, (token) => shown.push(token));
    expect(shown).toHaveLength(1);
    expect(second).toBe(first);
    expect(tokenMatches(shown[0], second)).toBe(true);
    expect(tokenMatches(`${shown[0]}x`, second)).toBe(false);
  });

  it('uses WANWU_ADMIN_TOKEN when set, and refuses one too short to be safe', async () => {
    const chosen = 'a-long-enough-admin-token';
    expect(await adminTokenHash(repository, chosenAdminToken(chosen), () => expect.fail('nothing to show'))).toBe(hashToken(chosen));
    expect(() => chosenAdminToken('short')).toThrow(/at least 16 characters/);
    expect(chosenAdminToken('')).toBeUndefined();
  });
});
