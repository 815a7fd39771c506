import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestPostgres } from '../../test/postgres.ts';
import { openRepository, StorageError } from './open-repository.ts';
import { runRepositoryContract } from './repository.case.ts';

// A server of its own, not the run's shared one (test/global-setup.ts): the event cursor reads only
// below the oldest transaction running anywhere on the server, and on a busy run other files'
// transactions held the contract's cursor test back past its timeout.
const server = await startTestPostgres();
const database = await createTestDatabase(server.url);
afterAll(async () => {
  await database.drop();
  await server.stop();
});

runRepositoryContract('PostgreSQL', () => openRepository({ dataDir: '/nonexistent', databaseUrl: database.url }));

describe('PostgreSQL storage', () => {
  it('says where it could not connect, without the password', async () => {
    const opening = openRepository({ dataDir: '/nonexistent', databaseUrl: 'postgres://wanwu:s3cret@127.0.0.1:1/wanwu' });
    await expect(opening).rejects.toThrow(StorageError);
    await expect(opening).rejects.toThrow(/127\.0\.0\.1:1.*is PostgreSQL running/);
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});
