import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackEvent } from '../contract/feedback-event.ts';
import { UNKNOWN_NEED } from '../contract/sync.ts';
import type { TrainingRun } from '../contract/training.ts';
import type { DeviceRecord, Repository } from './repository.ts';

/**
 * The contract every Repository keeps, run against each database (sqlite-repository.test.ts,
 * postgres-repository.test.ts). One repository serves the whole suite, as one serves a server:
 * each test registers its own devices and counts what it changed.
 */
export function runRepositoryContract(name: string, open: () => Promise<Repository>): void {
  describe(`${name} repository`, () => {
    let repo: Repository;
    beforeAll(async () => {
      repo = await open();
    });
    afterAll(() => repo.close());

    async function newDevice(address = '203.0.113.1'): Promise<DeviceRecord> {
      const device = { id: randomUUID(), tokenHash: hex(randomUUID()), createdAt: new Date('2026-03-01T08:00:00.000Z'), banned: false };
      await repo.createDevice({ ...device, address });
      return device;
    }

    /** What `work` changed in the stats. */
    async function statsDelta(work: () => Promise<unknown>): Promise<Awaited<ReturnType<Repository['stats']>>> {
      const before = await repo.stats();
      await work();
      const after = await repo.stats();
      return { devices: after.devices - before.devices, events: after.events - before.events, photos: after.photos - before.photos };
    }

    it('migrates again without harm', async () => {
      const device = await newDevice();
      await repo.migrate();
      await repo.migrate();
      expect(await repo.deviceByTokenHash(device.tokenHash)).toEqual(device);
    });

    it('finds devices by their token hash only, and keeps token hashes unique', async () => {
      const device = await newDevice();
      expect(await repo.deviceByTokenHash(device.tokenHash)).toEqual(device);
      expect(await repo.deviceByTokenHash(hex('not a token'))).toBeNull();
      await expect(repo.createDevice({ ...device, id: randomUUID(), address: '203.0.113.1' })).rejects.toThrow();
    });

    it('knows an address a banned device registered from, for as long as asked and while the ban lasts', async () => {
      const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
      const device = await newDevice(address);
      const anHourAgo = new Date(Date.now() - 3_600_000);
      expect(await repo.bannedFrom(address, anHourAgo)).toBe(false);
      await repo.setAdminDeviceStatus(device.id, 'banned');
      expect(await repo.bannedFrom(address, anHourAgo)).toBe(true);
      expect(await repo.bannedFrom(address, new Date(Date.now() + 60_000))).toBe(false);
      expect(await repo.bannedFrom('192.0.2.200', anHourAgo)).toBe(false);
      await repo.setAdminDeviceStatus(device.id, null);
      expect(await repo.bannedFrom(address, anHourAgo)).toBe(false);
    });

    it('stores each event once: a retried batch comes back as duplicates', async () => {
      const device = await newDevice();
      const batch = events(25);
      const first = await statsDelta(async () => {
        expect(await repo.storeEvents(device.id, batch, new Date())).toEqual({ accepted: ids(batch), duplicates: [], conflicts: [] });
      });
      const retry = await statsDelta(async () => {
        expect(await repo.storeEvents(device.id, batch, new Date())).toEqual({ accepted: [], duplicates: ids(batch), conflicts: [] });
      });
      expect(first).toEqual({ devices: 0, events: 25, photos: 0 });
      expect(retry).toEqual({ devices: 0, events: 0, photos: 0 });
    });

    it('counts what each device stored each UTC day, and everyone together: once per event and photo', async () => {
      const [device, other] = [await newDevice(), await newDevice()];
      const day = new Date('2031-05-04T23:59:00.000Z');
      const before = await repo.usage(day, device.id);
      const batch = events(4);
      await repo.storeEvents(device.id, batch, day);
      await repo.storeEvents(device.id, batch, day);
      await repo.storeEvents(other.id, events(2), day);
      await repo.storeEvents(device.id, events(3), new Date('2031-05-05T00:00:01.000Z'));
      await repo.recordPhoto({ id: hex(randomUUID()), bytes: 1000, deviceId: device.id, storedAt: day });
      const { device: mine, everyone } = await repo.usage(new Date('2031-05-04T08:00:00.000Z'), device.id);
      const stored = batch.reduce((sum, event) => sum + JSON.stringify(event).length, 0);
      expect(mine).toEqual({ events: 4, bytes: stored + 1000, photos: 1 });
      expect(everyone.events - before.everyone.events).toBe(6);
      expect(everyone.photos - before.everyone.photos).toBe(1);
      expect((await repo.usage(new Date('2031-05-05T12:00:00.000Z'), device.id)).device.events).toBe(3);
      expect((await repo.usage(day, randomUUID())).device).toEqual({ events: 0, bytes: 0, photos: 0 });
      expect(await repo.usage(day)).toEqual({ device: { events: 0, bytes: 0, photos: 0 }, everyone });

      // Nearest a quota of 10 events, 1 MB, 1 photo: the device with a photo (100 %), then the other (2 of 10 events).
      const nearest = await repo.devicesNearestQuota(day, { events: 10, bytes: 2 ** 20, photos: 1 }, 10);
      expect(nearest.filter((row) => row.deviceId === device.id || row.deviceId === other.id)).toEqual([
        { deviceId: device.id, ...mine },
        { deviceId: other.id, events: 2, bytes: expect.any(Number), photos: 0 },
      ]);
      expect(await repo.devicesNearestQuota(day, { events: 10, bytes: 2 ** 20, photos: 1 }, 1)).toHaveLength(1);
    });

    it('stores the new events of a batch that mixes new and already stored ones, in the order sent', async () => {
      const device = await newDevice();
      const [a, b, c, d] = events(4);
      await repo.storeEvents(device.id, [a, c], new Date());
      const delta = await statsDelta(async () => {
        expect(await repo.storeEvents(device.id, [a, b, c, d, b], new Date())).toEqual({
          accepted: [b.id, d.id],
          duplicates: [a.id, c.id, b.id],
          conflicts: [],
        });
      });
      expect(delta.events).toBe(2);
      expect(await repo.eventsOfDevice(device.id)).toEqual([a, b, c, d]);
    });

    it('refuses an id another device already used, and never overwrites its event', async () => {
      const [owner, other] = [await newDevice(), await newDevice()];
      const original = events(1)[0];
      await repo.storeEvents(owner.id, [original], new Date());
      const reused = { ...original, photoId: hex('another photo'), model: 'v-other' };
      const fresh = events(1)[0];
      expect(await repo.storeEvents(other.id, [reused, fresh], new Date())).toEqual({
        accepted: [fresh.id],
        duplicates: [],
        conflicts: [original.id],
      });
      expect(await repo.eventsOfDevice(owner.id)).toEqual([original]);
      expect(await repo.eventsOfDevice(other.id)).toEqual([fresh]);
    });

    it('stores nothing for a device it does not know', async () => {
      const delta = await statsDelta(async () => {
        await expect(repo.storeEvents(randomUUID(), events(3), new Date())).rejects.toThrow();
      });
      expect(delta.events).toBe(0);
    });

    it('counts exactly when two devices sync at once, each retrying every batch', async () => {
      const devices = [await newDevice(), await newDevice()];
      const batches = devices.map((device) => ({ device, batches: Array.from({ length: 20 }, () => events(50)) }));
      let accepted = 0;
      let duplicates = 0;
      const delta = await statsDelta(() =>
        Promise.all(
          batches.flatMap(({ device, batches }) =>
            [...batches, ...batches].map(async (batch) => {
              const result = await repo.storeEvents(device.id, batch, new Date());
              accepted += result.accepted.length;
              duplicates += result.duplicates.length;
              expect(result.conflicts).toEqual([]);
            }),
          ),
        ),
      );
      expect({ accepted, duplicates, events: delta.events }).toEqual({ accepted: 2000, duplicates: 2000, events: 2000 });
      for (const { device, batches: sent } of batches) {
        expect(await repo.eventsOfDevice(device.id)).toHaveLength(sent.flat().length);
      }
    });

    it('gives each id to exactly one device when two send the same ids at once', async () => {
      const devices = [await newDevice(), await newDevice()];
      const shared = events(500);
      // In opposite orders: neither may wait for the other forever.
      const orders = [shared, [...shared].reverse()];
      const results = await Promise.all(
        devices.flatMap((device, i) => [0, 1, 2, 3].map(() => repo.storeEvents(device.id, orders[i], new Date()))),
      );
      const accepted = results.flatMap((result) => result.accepted);
      expect(accepted.sort()).toEqual(ids(shared).sort());
      const stored = await Promise.all(devices.map((device) => repo.eventsOfDevice(device.id)));
      expect(stored[0].length + stored[1].length).toBe(500);
    });

    it('records a photo once, whichever device sends it again', async () => {
      const [first, second] = [await newDevice(), await newDevice()];
      const photo = { id: hex(randomUUID()), bytes: 123_456, deviceId: first.id, storedAt: new Date() };
      const delta = await statsDelta(async () => {
        expect(await repo.recordPhoto(photo)).toBe(true);
        expect(await repo.recordPhoto({ ...photo, deviceId: second.id, bytes: 1 })).toBe(false);
      });
      expect(delta).toEqual({ devices: 0, events: 0, photos: 1 });
    });

    it('keeps settings, the latest value winning', async () => {
      const key = `test-${randomUUID()}`;
      expect(await repo.setting(key)).toBeNull();
      await repo.setSetting(key, 'first');
      await repo.setSetting(key, '第二');
      expect(await repo.setting(key)).toBe('第二');
    });

    it('counts devices, events and photos', async () => {
      const delta = await statsDelta(async () => {
        const device = await newDevice();
        await repo.storeEvents(device.id, events(3), new Date());
        await repo.recordPhoto({ id: hex(randomUUID()), bytes: 10, deviceId: device.id, storedAt: new Date() });
      });
      expect(delta).toEqual({ devices: 1, events: 3, photos: 1 });
    });

    /** A cursor past every event stored so far. */
    /**
     * The cursor after every stored event. PostgreSQL reads only below the oldest transaction
     * running anywhere on the server (another test file's, say), so read on until every stored
     * event has been seen.
     */
    async function endCursor(): Promise<string> {
      const stored = (await repo.stats()).events;
      let cursor: string | null = null;
      let seen = 0;
      for (;;) {
        const page = await repo.eventsAfter(cursor, 1000);
        cursor = page.cursor;
        seen += page.events.length;
        if (seen >= stored) return cursor;
        if (page.events.length < 1000) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it('reads the events stored since a cursor, in pages, in the order stored, with what consensus needs', async () => {
      const device = await newDevice();
      const start = await endCursor();
      const first = events(8, { varied: true });
      const second = events(3);
      await repo.storeEvents(device.id, first, new Date());
      await repo.storeEvents(device.id, second, new Date());
      const page1 = await repo.eventsAfter(start, 5);
      expect(page1.events.length).toBeLessThanOrEqual(5);
      // Read on until this device's events are all in: PostgreSQL shows them once every
      // transaction older than theirs (anywhere on the server) has ended.
      const read = [...page1.events];
      let cursor = page1.cursor;
      for (let tries = 0; read.filter((e) => e.deviceId === device.id).length < 11 && tries < 200; tries++) {
        const page = await repo.eventsAfter(cursor, 100);
        read.push(...page.events);
        cursor = page.cursor;
        if (page.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const mine = read.filter((e) => e.deviceId === device.id);
      expect(new Set(mine.map((e) => e.id))).toEqual(new Set(ids([...first, ...second])));
      // Stored batches come out in the order they were stored.
      expect(mine.slice(8).map((e) => e.id).sort()).toEqual(ids(second).sort());
      const byId = new Map(mine.map((e) => [e.id, e]));
      const [verdict, added, confirmed, retracted] = first;
      expect(byId.get(verdict.id)).toEqual({
        id: verdict.id, deviceId: device.id, type: 'tag-verdict', photoId: verdict.photoId, tagKeys: ['coco:dog'],
        verdict: 'correct', at: new Date(verdict.at), score: 0.731, retracts: null,
      });
      expect(byId.get(added.id)).toMatchObject({ type: 'tag-added', tagKeys: ['text:金毛 “golden” \\ \u{1F436}'], verdict: null, score: null });
      expect(byId.get(confirmed.id)).toMatchObject({ type: 'photo-confirmed', tagKeys: ['coco:dog', 'text:leash'] });
      expect(byId.get(retracted.id)).toMatchObject({ type: 'feedback-retracted', tagKeys: [], retracts: (retracted as { retracts: string }).retracts });
      expect(await repo.eventsAfter(cursor, 100)).toEqual({ events: [], cursor });
    });

    it('stores consensus runs: a full run replaces the results, an incremental one updates them', async () => {
      const [careful, banned] = [await newDevice(), await newDevice()];
      const shared = hex(randomUUID());
      await repo.recordPhoto({ id: shared, bytes: 10, deviceId: careful.id, storedAt: new Date() });
      const item = (photoId: string, probability: number, hard = false) => ({ photoId, tagKey: 'coco:dog', probability, votes: 2, hard, modelScore: 0.9 });
      const estimate = (deviceId: string, reliability: number, quarantined = false) => ({
        deviceId, sensitivity: 0.9, specificity: 0.9, reliability, uncertainty: 0.1, votes: 10,
        quarantine: quarantined ? { reason: 'opposite' as const, evidence: 'disagrees with 9 of 10 confident labels' } : null,
      });
      const run = (at: string, incremental: boolean) => ({ at, ms: 12, votes: 20, incremental });
      const other = hex(randomUUID());
      const alert = {
        rule: 'opposite' as const, tagKey: 'coco:dog', devices: [careful.id, banned.id], share: 2 / 3,
        evidence: 'would set aside 2 of the 3 active devices that answered "coco:dog" (67 %); …',
      };
      await repo.saveConsensus({
        run: run('2026-03-02T10:00:00.000Z', false),
        items: [item(shared, 0.02, true), item(other, 0.95)],
        devices: [estimate(careful.id, 0.8), estimate(banned.id, -0.7, true)],
        need: { tags: [{ tag: 'coco:cat', need: 0.8 }], others: 1 },
        feedbackPerDay: [{ day: '2026-03-01', events: 20 }],
        alerts: [alert],
      }, 'replace');
      expect(await repo.setAdminDeviceStatus(banned.id, 'banned')).toBe(true);
      expect(await repo.setAdminDeviceStatus(randomUUID(), 'released')).toBe(false);
      expect((await repo.deviceByTokenHash(banned.tokenHash))?.banned).toBe(true);
      expect(await repo.adminDeviceStatuses()).toEqual(new Map([[banned.id, 'banned']]));
      expect(await repo.latestConsensusRun()).toEqual({
        run: run('2026-03-02T10:00:00.000Z', false), need: { tags: [{ tag: 'coco:cat', need: 0.8 }], others: 1 }, feedbackPerDay: [{ day: '2026-03-01', events: 20 }], alerts: [alert],
      });
      expect(await repo.consensusDevices()).toEqual([
        { ...estimate(careful.id, 0.8), adminStatus: null },
        { ...estimate(banned.id, -0.7, true), adminStatus: 'banned' },
      ]);
      expect(await repo.hardItems(10)).toEqual([{ ...item(shared, 0.02, true), shared: true }]);

      await repo.saveConsensus({ run: run('2026-03-02T11:00:00.000Z', true), items: [item(other, 0.5)], devices: [estimate(careful.id, 0.85)], need: UNKNOWN_NEED, feedbackPerDay: [], alerts: [] }, 'update');
      expect((await repo.confidentItems(0.9)).map((i) => [i.photoId, i.probability])).toEqual([[shared, 0.02]]);
      expect(await repo.latestConsensusRun()).toMatchObject({ run: { incremental: true }, alerts: [] });
      expect((await repo.consensusDevices()).map((d) => d.deviceId)).toEqual([careful.id]);

      await repo.saveConsensus({ run: run('2026-03-02T12:00:00.000Z', false), items: [], devices: [], need: UNKNOWN_NEED, feedbackPerDay: [], alerts: [] }, 'replace');
      expect(await repo.confidentItems(0.5)).toEqual([]);
      expect(await repo.hardItems(10)).toEqual([]);
    });

    it('keeps tag merges, the latest target winning', async () => {
      const from = `text:${randomUUID()}`;
      await repo.mergeTag(from, 'coco:dog');
      await repo.mergeTag(from, 'coco:cat');
      expect((await repo.tagMerges()).get(from)).toBe('coco:cat');
    });

    it('keeps an admin\'s decision per taught tag, the latest one winning', async () => {
      const [kite, spam] = [`text:kite ${randomUUID()}`, `text:spam ${randomUUID()}`];
      await repo.decideTag(kite, 'refused');
      await repo.decideTag(kite, 'approved');
      await repo.decideTag(spam, 'refused');
      const decisions = await repo.tagDecisions();
      expect([decisions.get(kite), decisions.get(spam), decisions.get('text:never decided')]).toEqual(['approved', 'refused', undefined]);
    });

    it('gives training the newest embedding of each photo, never from a banned device', async () => {
      const [a, b, banned] = [await newDevice(), await newDevice(), await newDevice()];
      const [p1, p2, p3, p4] = [1, 2, 3, 4].map(() => hex(randomUUID()));
      const floats = (seed: number) => Float32Array.from({ length: 960 }, (_, d) => (d % 2 ? -1 : 1) * (seed + d) * 1.0e-7 * 3 ** (d % 20));
      // Stored newest first: "newest" is the time the act was made, not the order it arrived in.
      await repo.storeEvents(a.id, [embeddingEvent(p1, 3, null), embeddingEvent(p2, 2, floats(4)), embeddingEvent(p4, 1, null)], new Date());
      await repo.storeEvents(b.id, [embeddingEvent(p1, 2, floats(2), { 'coco:dog': 0.43 }), embeddingEvent(p1, 1, floats(1))], new Date());
      await repo.storeEvents(banned.id, [embeddingEvent(p2, 3, floats(3)), embeddingEvent(p3, 1, floats(5))], new Date());
      await repo.setAdminDeviceStatus(banned.id, 'banned');
      const mine = new Set([p1, p2, p3, p4]);
      const found = (await repo.photoEmbeddings()).filter((e) => mine.has(e.photoId));
      expect(new Map(found.map((e) => [e.photoId, e.embedding]))).toEqual(new Map([[p1, floats(2)], [p2, floats(4)]]));
      // The base scores sent with that embedding come with it; none from an app that sent none.
      expect(new Map(found.map((e) => [e.photoId, e.baseScores]))).toEqual(new Map([[p1, { 'coco:dog': 0.43 }], [p2, null]]));

      // Released again, its newer embedding counts.
      await repo.setAdminDeviceStatus(banned.id, 'released');
      const again = (await repo.photoEmbeddings()).filter((e) => mine.has(e.photoId));
      expect(new Map(again.map((e) => [e.photoId, e.embedding]))).toEqual(new Map([[p1, floats(2)], [p2, floats(3)], [p3, floats(5)]]));
    });

    it('records training runs, a run saved again replacing itself, newest first', async () => {
      const run = (id: string, startedAt: string, status: TrainingRun['status']): TrainingRun => ({
        id, trigger: 'api', status, startedAt, finishedAt: null, durationMs: null, baseVersion: 'b1', publishedVersion: null,
        data: null, candidate: null, current: null, decision: null, error: null,
      });
      const [older, newer] = [randomUUID(), randomUUID()];
      await repo.saveTrainingRun(run(older, '2030-01-01T10:00:00.000Z', 'running'));
      await repo.saveTrainingRun(run(newer, '2030-01-02T10:00:00.000Z', 'running'));
      const finished: TrainingRun = {
        ...run(older, '2030-01-01T10:00:00.000Z', 'published'), finishedAt: '2030-01-01T10:05:00.000Z', durationMs: 300_000, publishedVersion: 'h2',
        candidate: { mAP: 0.61, microF1: 0.5, perTagAP: { 'text:金毛': 0.7, 'coco:dog': null } },
        decision: { publish: true, reasons: ['mAP 0.61 > 0.40 + 0.01'] },
      };
      await repo.saveTrainingRun(finished);
      expect(await repo.trainingRuns(2)).toEqual([run(newer, '2030-01-02T10:00:00.000Z', 'running'), finished]);
      expect(await repo.trainingRuns(1)).toHaveLength(1);
    });

    it('keeps every model version as saved, and which one is current', async () => {
      expect(await repo.currentModelVersion()).toBeNull();
      const version = (name: string, minute: number, previous: string | null) => ({
        version: name, manifest: `{"version": "${name}", "tags": [{"zh": "金毛"}]}\n`, createdAt: new Date(`2030-01-01T10:0${minute}:00.000Z`),
        runId: previous ? `run-${name}` : null, previous,
      });
      const [first, second] = [version(`h-${randomUUID()}`, 1, null), version(`h-${randomUUID()}`, 2, 'b1')];
      await repo.saveModelVersion(second);
      await repo.saveModelVersion(first);
      await expect(repo.saveModelVersion({ ...first, manifest: '{}' })).rejects.toThrow();
      const mine = (await repo.modelVersions()).filter((v) => v.version === first.version || v.version === second.version);
      expect(mine).toEqual([first, second]);

      await repo.setCurrentModelVersion(second.version);
      expect(await repo.currentModelVersion()).toBe(second.version);
      await expect(repo.setCurrentModelVersion('never-published')).rejects.toThrow();
      expect(await repo.currentModelVersion()).toBe(second.version);
      await repo.setCurrentModelVersion(null);
      expect(await repo.currentModelVersion()).toBeNull();
    });

    it('returns a full batch of 500 events with embeddings exactly as stored', async () => {
      const device = await newDevice();
      const batch = events(500, { varied: true });
      expect((await repo.storeEvents(device.id, batch, new Date())).accepted).toHaveLength(500);
      expect(await repo.eventsOfDevice(device.id)).toEqual(batch);
    });
  });
}

function hex(text: string): string {
  return Buffer.from(text.padEnd(32, '.').slice(0, 32)).toString('hex');
}

function ids(list: readonly FeedbackEvent[]): string[] {
  return list.map((event) => event.id);
}

let clock = Date.parse('2026-03-01T09:00:00.000Z');

/**
 * Events one second apart (so `at` orders them as made), each with a 480-d embedding (~2.6 KB of
 * base64) like the detector's. `varied` cycles through every event type and odd-but-valid values.
 */
function events(count: number, { varied = false } = {}): FeedbackEvent[] {
  return Array.from({ length: count }, (_, i): FeedbackEvent => {
    clock += 1000;
    const embedding = new Float32Array(480).map((_, d) => Math.sin(clock / 1000 + d));
    const eightHoursAhead = new Date(clock + 8 * 3600_000).toISOString().replace('Z', '+08:00');
    const base = {
      id: randomUUID(),
      photoId: hex(`photo ${i % 7}`),
      model: 'v1-test',
      // Devices write local offsets; stored as sent, ordered by the instant.
      at: varied && i % 2 ? eightHoursAhead : new Date(clock).toISOString(),
      embedding: Buffer.from(embedding.buffer).toString('base64'),
      dims: 480,
    };
    if (!varied || i % 4 === 0) return { ...base, type: 'tag-verdict', tag: { id: 'coco:dog' }, verdict: 'correct', score: 0.731 };
    if (i % 4 === 1) return { ...base, type: 'tag-added', tag: { text: '金毛 “golden” \\ \u{1F436}' }, origin: 'user' };
    if (i % 4 === 2) return { ...base, type: 'photo-confirmed', tags: [{ id: 'coco:dog' }, { text: 'leash' }] };
    return { ...base, type: 'feedback-retracted', retracts: randomUUID() };
  });
}

/** A tag-added event about `photoId` made `minutes` after a fixed time, with this embedding or none. */
function embeddingEvent(photoId: string, minutes: number, embedding: Float32Array | null, baseScores?: Record<string, number>): FeedbackEvent {
  return {
    id: randomUUID(), type: 'tag-added', photoId, model: 'v1-test', tag: { text: 'leash' },
    at: new Date(Date.parse('2026-04-01T09:00:00.000Z') + minutes * 60_000).toISOString(),
    ...(embedding && { embedding: Buffer.from(embedding.buffer).toString('base64'), dims: embedding.length, ...(baseScores && { baseScores }) }),
  };
}
