import { describe, expect, it } from 'vitest';
import type { AdminConsensus, AdminDevice } from '../../server/contract/admin.ts';
import { createAdminApi, type Fetch } from './admin-api.ts';

/**
 * The admin client against a small in-test admin API behind an injected fetch (the app may
 * not import the real server; test/e2e/admin.test.ts drives it).
 */
function testServer(token: string) {
  const device = (deviceId: string, status: AdminDevice['status']): AdminDevice => ({
    deviceId,
    status,
    reliability: status === 'active' ? 0.9 : -0.8,
    uncertainty: 0.1,
    sensitivity: 0.9,
    specificity: 0.9,
    votes: 20,
    reason: status === 'active' ? null : 'opposite',
    evidence: status === 'active' ? null : 'agrees with consensus on 2 of 20',
  });
  const state = { devices: [device('a', 'active'), device('b', 'quarantined')], runs: 0, token };
  const consensus = (): AdminConsensus => ({
    lastRun: state.runs ? { at: `2025-01-0${state.runs}T00:00:00.000Z`, ms: 3, votes: 40, incremental: false } : null,
    feedbackPerDay: [{ day: '2025-01-01', events: 40 }],
    tags: [],
    devices: state.devices,
    hardExamples: [],
    need: { tags: [{ tag: 'coco:dog', need: 0.9 }], others: 1 },
    alerts: [],
  });
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const fetch: Fetch = async (input, init) => {
    if (new Headers(init.headers).get('Authorization') !== `Bearer ${state.token}`) return json({ code: 'unauthorized', message: 'no' }, 401);
    if (input === '/api/v1/admin/consensus') return json(consensus());
    if (input === '/api/v1/admin/aggregate') return json((state.runs += 1, consensus().lastRun));
    const decided = /^\/api\/v1\/admin\/devices\/(\w+)\/(release|ban)$/.exec(input);
    if (!decided || !state.devices.some((row) => row.deviceId === decided[1])) return json({ code: 'not-found', message: input }, 404);
    const status = decided[2] === 'ban' ? 'banned' : 'active';
    state.devices = state.devices.map((row) => (row.deviceId === decided[1] ? device(row.deviceId, status) : row));
    return json({ deviceId: decided[1], status });
  };
  return { fetch, state };
}

const TOKEN = 'the-admin-token-0123456789';

describe('createAdminApi', () => {
  it('says a wrong token is wrong', async () => {
    const api = createAdminApi(testServer(TOKEN).fetch, 'not-the-token');
    expect(await api.consensus()).toEqual({ ok: false, code: 'unauthorized' });
    expect(await api.aggregate()).toEqual({ ok: false, code: 'unauthorized' });
  });

  it('reads the consensus, runs it, and releases or bans a device', async () => {
    const api = createAdminApi(testServer(TOKEN).fetch, TOKEN);
    const before = await api.consensus();
    expect(before.ok && before.body.lastRun).toBeNull();
    const run = await api.aggregate();
    expect(run.ok && run.body.votes).toBe(40);
    expect(await api.decide('b', 'release')).toEqual({ ok: true, body: { deviceId: 'b', status: 'active' } });
    expect(await api.decide('a', 'ban')).toEqual({ ok: true, body: { deviceId: 'a', status: 'banned' } });
    const after = await api.consensus();
    expect(after.ok && after.body.devices.map((device) => device.status)).toEqual(['banned', 'active']);
  });

  it('turns network and server failures into codes', async () => {
    const down = createAdminApi(() => Promise.reject(new TypeError('Failed to fetch')), TOKEN);
    expect(await down.consensus()).toEqual({ ok: false, code: 'unreachable' });
    const broken = createAdminApi(async () => new Response('oops', { status: 502 }), TOKEN);
    expect(await broken.consensus()).toEqual({ ok: false, code: 'server-error' });
    const odd = createAdminApi(async () => Response.json({ devices: 'many' }), TOKEN);
    expect(await odd.consensus()).toEqual({ ok: false, code: 'bad-response' });
    const missing = createAdminApi(testServer(TOKEN).fetch, TOKEN);
    expect(await missing.decide('nobody', 'release')).toEqual({ ok: false, code: 'refused' });
  });

  it('sends each decision about a taught tag where the server takes it', async () => {
    const sent: [string, unknown][] = [];
    const fetch: Fetch = async (input, init) => {
      const body = init.body === undefined ? undefined : JSON.parse(String(init.body));
      sent.push([input, body]);
      return Response.json(input.endsWith('/tags/merge') ? body : { tagKey: 'text:风筝', decision: input.endsWith('/refuse') ? 'refused' : 'approved' });
    };
    const api = createAdminApi(fetch, TOKEN);
    for (const action of [{ kind: 'approve' }, { kind: 'refuse' }, { kind: 'rename', name: 'kite' }, { kind: 'merge', into: 'coco:kite' }] as const) {
      expect((await api.reviewTag('text:风筝', action)).ok).toBe(true);
    }
    const key = encodeURIComponent('text:风筝');
    expect(sent).toEqual([
      [`/api/v1/admin/taught-tags/${key}/approve`, undefined],
      [`/api/v1/admin/taught-tags/${key}/refuse`, undefined],
      [`/api/v1/admin/taught-tags/${key}/rename`, { name: 'kite' }],
      ['/api/v1/admin/tags/merge', { from: 'text:风筝', into: 'coco:kite' }],
    ]);
  });
});
