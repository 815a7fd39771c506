import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres.ts';
import { openRepository, StorageError } from './open-repository.ts';
import { runRepositoryContract } from './repository.case.ts';

// A fresh database for this file on the run's throwaway server (test/global-setup.ts).
const database = await createTestDatabase(inject('postgresUrl'));
afterAll(() => database.drop());

runRepositoryContract('PostgreSQL', () => openRepository({ dataDir: '/nonexistent', databaseUrl: database.url }));

describe('PostgreSQL storage', () => {
  it('says where it could not connect, without the password', async () => {
    const opening = openRepository({ dataDir: '/nonexistent', databaseUrl: 'postgres://wanwu:s3cret@127.0.0.1:1/wanwu' });
    await expect(opening).rejects.toThrow(StorageError);
    await expect(opening).rejects.toThrow(/127\.0\.0\.1:1.*is PostgreSQL running/);
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});
