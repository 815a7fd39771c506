import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepository, StorageError } from './open-repository.ts';
import { runRepositoryContract } from './repository.case.ts';

const root = mkdtempSync(join(tmpdir(), 'wanwu-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

runRepositoryContract('SQLite', () => openRepository({ dataDir: join(root, 'contract', 'data') }));

describe('SQLite storage in the data folder', () => {
  it('keeps what it stored in <data>/wanwu.sqlite across restarts', async () => {
    const dataDir = join(root, 'restart');
    const first = await openRepository({ dataDir });
    await first.setSetting('admin-token-hash', 'abc');
    await first.close();
    const second = await openRepository({ dataDir });
    expect(await second.setting('admin-token-hash')).toBe('abc');
    await second.close();
  });

  it('says why when the data folder cannot be written', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const opening = openRepository({ dataDir: join(blocker, 'data') });
    await expect(opening).rejects.toThrow(StorageError);
    await expect(opening).rejects.toThrow(/Cannot open the database .*a-file.*: part of the path is a file.*WANWU_DATA/);
  });

  it('says so when the database file is not a database', async () => {
    const dataDir = join(root, 'garbage');
    const opening = (async () => {
      await openRepository({ dataDir }).then((repo) => repo.close());
      writeFileSync(join(dataDir, 'wanwu.sqlite'), 'x'.repeat(8192));
      rmSync(join(dataDir, 'wanwu.sqlite-wal'), { force: true });
      return openRepository({ dataDir });
    })();
    await expect(opening).rejects.toThrow(/not a SQLite database/);
  });
});
