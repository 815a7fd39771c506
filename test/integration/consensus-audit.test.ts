import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createConsensusJob } from '../../server/consensus/job.ts';
import { AdminConsensusSchema, ConsensusRunSchema, PhotoConsensusSchema, type AdminConsensus, type PhotoConsensus } from '../../server/contract/admin.ts';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { createTestApi, type TestApi } from '../api-app.ts';
import { repoRoot } from '../env.ts';
import { createTestDatabase } from '../postgres.ts';

/**
 * What an admin sees of consensus beyond its labels, through the API on both databases: the rules
 * it held back (alerts) and, per photo, how each tag's label was reached.
 */

const postgres = await createTestDatabase(inject('postgresUrl'));
afterAll(() => postgres.drop());

const photo = (i: number) => createHash('sha256').update(`audit photo ${i}`).digest('hex');
const photos = Array.from({ length: 30 }, (_, i) => photo(i));
/** The truth: a dog on even photos. */
const dog = (i: number) => i % 2 === 0;

/** Every photo's dog answered truthfully, `gapMs` apart: a person needs 400 ms or more. */
function answers(start: number, gapMs: number): FeedbackEvent[] {
  return photos.map((photoId, i) => ({
    id: randomUUID(), type: 'tag-verdict', photoId, model: 'v-test', at: new Date(start + i * gapMs).toISOString(),
    tag: { id: 'coco:dog' }, verdict: dog(i) ? 'correct' : 'wrong', score: 0.7,
  }));
}

describe.each([
  ['SQLite', () => undefined],
  ['PostgreSQL', () => postgres.url],
])('consensus alerts and photo audits on %s', (_name, databaseUrl) => {
  let api: TestApi;
  const devices: Record<'alice' | 'bob' | 'bot1' | 'bot2', string> = {} as never;
  beforeAll(async () => {
    api = await createTestApi({ databaseUrl: databaseUrl() });
  });
  afterAll(() => api.close());

  const admin = (path: string, init: RequestInit = {}) =>
    api.app.request(`/api/v1/admin${path}`, { ...init, headers: { Authorization: `Bearer ${api.adminToken}`, ...init.headers } });
  const aggregate = async () => ConsensusRunSchema.parse(await (await admin('/aggregate', { method: 'POST' })).json());
  const consensus = async (): Promise<AdminConsensus> => AdminConsensusSchema.parse(await (await admin('/consensus')).json());
  async function audit(photoId: string): Promise<PhotoConsensus> {
    const res = await admin(`/photos/${photoId}/consensus`);
    expect(res.status, await res.clone().text()).toBe(200);
    return PhotoConsensusSchema.parse(await res.json());
  }
  const dogOf = (view: PhotoConsensus) => view.tags.find((tag) => tag.tagKey === 'coco:dog')!;
  const statuses = (view: PhotoConsensus) => Object.fromEntries(dogOf(view).answers.map((a) => [a.deviceId, a.status]));

  it('shows the admin an alert when a rule would set aside half the devices, after full and incremental runs alike', async () => {
    const start = Date.parse('2026-03-01T09:00:00Z');
    let aliceToken = '';
    for (const [name, gapMs] of [['alice', 10_000], ['bob', 12_000], ['bot1', 100], ['bot2', 150]] as const) {
      const { deviceId, token } = await api.register();
      devices[name] = deviceId;
      if (name === 'alice') aliceToken = token;
      expect((await api.sync(token, answers(start, gapMs))).status).toBe(200);
    }
    expect(await aggregate()).toMatchObject({ incremental: false });
    const view = await consensus();
    // Two bots of four devices: quarantining them would set aside half of everyone, so the rule only alerts.
    expect(view.alerts).toEqual([{
      rule: 'too-fast', tagKey: null, devices: expect.arrayContaining([devices.bot1, devices.bot2]), share: 0.5,
      evidence: expect.stringContaining('would set aside 2 of the 4 active devices'),
    }]);
    expect(view.devices.filter((d) => d.status !== 'active')).toEqual([]);

    // An incremental run judges every device again: the alert stands.
    const later = answers(start + 3_600_000, 20_000).slice(0, 3).map((event) => ({ ...event, tag: { id: 'coco:cat' }, verdict: 'wrong' as const }));
    expect((await api.sync(aliceToken, later)).status).toBe(200);
    expect(await aggregate()).toMatchObject({ incremental: true });
    expect((await consensus()).alerts.map((alert) => alert.rule)).toEqual(['too-fast']);

    // The command line prints it, with every device it names.
    const url = databaseUrl();
    const cli = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const env = { ...process.env, WANWU_DATA: api.dataDir, ...(url ? { DATABASE_URL: url } : {}) };
      execFile(process.execPath, ['bin/wanwu.js', 'aggregate'], { cwd: repoRoot, env }, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })));
    });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain('alerts: 1\n  too-fast: would set aside 2 of the 4 active devices');
    for (const bot of [devices.bot1, devices.bot2]) expect(cli.stdout).toContain(`\n    ${bot}\n`);
  });

  it("audits a photo: each device's answer, weight and status, and the model's score", async () => {
    const view = await audit(photos[0]);
    expect(view.photoId).toBe(photos[0]);
    // Alice also said there is no cat.
    expect(view.tags.map((tag) => tag.tagKey).sort()).toEqual(['coco:cat', 'coco:dog']);
    const tag = dogOf(view);
    expect(tag).toMatchObject({ tagKey: 'coco:dog', model: { score: 0.7, weight: expect.any(Number) } });
    expect(tag.probability).toBeGreaterThan(0.9);
    const stored = (await api.repository.confidentItems(0.5)).find((item) => item.photoId === photos[0]);
    expect(tag.probability).toBeCloseTo(stored!.probability, 10);
    expect(statuses(view)).toMatchObject({ [devices.alice]: 'active', [devices.bob]: 'active', [devices.bot1]: 'active', [devices.bot2]: 'active' });
    for (const answer of tag.answers) expect(answer).toMatchObject({ answer: 'present', weight: expect.any(Number) });
    // Everyone agreed on every answer, so everyone's "present" counts for a dog.
    expect(tag.answers.every((answer) => answer.weight > 0)).toBe(true);
    const sum = tag.prior + tag.model!.weight + tag.answers.reduce((total, answer) => total + answer.weight, 0);
    expect(sum).toBeCloseTo(Math.log(tag.probability / (1 - tag.probability)), 1);
  });

  it('shows a banned device as banned and a released one as released, once consensus ran after the decision', async () => {
    expect((await admin(`/devices/${devices.bot1}/ban`, { method: 'POST' })).status).toBe(200);
    await aggregate();
    // With one bot of three devices left active, the rule quarantines it instead of alerting.
    expect((await consensus()).alerts).toEqual([]);
    expect(statuses(await audit(photos[1]))).toMatchObject({ [devices.alice]: 'active', [devices.bot1]: 'banned', [devices.bot2]: 'quarantined' });

    expect((await admin(`/devices/${devices.bot2}/release`, { method: 'POST' })).status).toBe(200);
    await aggregate();
    expect(statuses(await audit(photos[1]))).toMatchObject({ [devices.bot1]: 'banned', [devices.bot2]: 'released' });

    // A process that holds no run yet (a restart) runs one before it answers.
    const restarted = createConsensusJob({ repository: api.repository, bundles: api.registry, logger: pino({ level: 'silent' }) });
    try {
      const view = await restarted.audit(photos[1]);
      expect(statuses(view!)).toMatchObject({ [devices.bot1]: 'banned', [devices.bot2]: 'released' });
    } finally {
      await restarted.stop();
    }
  });

  it('answers 400 for a malformed photo id, 404 for a photo nobody answered about, 401 without the token', async () => {
    for (const id of ['xyz', photos[0].toUpperCase(), `${photos[0]}0`]) expect((await admin(`/photos/${id}/consensus`)).status).toBe(400);
    const unknown = await admin(`/photos/${photo(999)}/consensus`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not-found' });
    expect((await api.app.request(`/api/v1/admin/photos/${photos[0]}/consensus`)).status).toBe(401);
  });
});
