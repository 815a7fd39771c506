import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verdictEvents } from '../../bench/sync/events.ts';
import { createTestApi, type TestApi } from '../../test/api-app.ts';
import type { FeedbackEvent } from '../contract/feedback-event.ts';
import type { SyncResponse } from '../contract/sync.ts';

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(() => api.close());

type TextCorrected = Extract<FeedbackEvent, { type: 'text-corrected' }>;

/** A line of a shop sign, corrected by the person, on the photo `photoId`. */
function textCorrection(photoId: string, fields: Partial<TextCorrected> = {}): TextCorrected {
  return {
    id: randomUUID(),
    type: 'text-corrected',
    photoId,
    model: 'bench-1',
    at: new Date().toISOString(),
    original: '轻运动健身',
    corrected: '轻运动健身会所',
    box: [[12.5, 40], [310, 38.25], [311, 92], [13, 94]],
    score: 0.93,
    ...fields,
  };
}

async function sync(token: string, events: readonly unknown[]): Promise<SyncResponse> {
  const res = await api.sync(token, events);
  expect(res.status).toBe(200);
  return res.json();
}

describe('text corrections in a sync batch', () => {
  it('are stored as sent and counted, while consensus counts only the tag verdict', async () => {
    const { token, deviceId } = await api.register();
    const [verdict] = verdictEvents(1);
    const text = textCorrection(verdict.photoId);
    const confirmed = textCorrection(verdict.photoId, { original: 'OPEN', corrected: 'OPEN' });

    const answer = await sync(token, [verdict, text, confirmed]);

    expect(answer).toMatchObject({ accepted: [verdict.id, text.id, confirmed.id], rejected: [] });
    const stored = await api.repository.eventsOfDevice(deviceId);
    expect(stored.find((event) => event.id === text.id)).toEqual(text);
    const stats = await (await api.app.request('/api/v1/admin/stats', { headers: { Authorization: `Bearer ${api.adminToken}` } })).json();
    expect(stats).toMatchObject({ events: 3 });
    // No tag: a text correction is no vote on any (photo, tag).
    expect((await api.consensus.run({ full: true })).votes).toBe(1);
  });

  it('rejects a correction whose box is not four points, alone', async () => {
    const { token } = await api.register();
    const [verdict] = verdictEvents(1);
    const bad = { ...textCorrection(verdict.photoId), box: [[0, 0], [1, 0], [1, 1]] };
    const answer = await sync(token, [bad, verdict]);
    expect(answer.accepted).toEqual([verdict.id]);
    expect(answer.rejected).toEqual([{ id: bad.id, code: 'invalid-event', message: expect.stringMatching(/^box/) }]);
  });
});
