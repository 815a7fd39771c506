import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DrainOptions, DrainResult } from './drain.ts';
import { startSyncTriggers } from './triggers.ts';

/** The page's triggers over fake timers, a window and a document made of EventTargets. */
function setup(results: DrainResult[] = []) {
  const calls: DrainOptions[] = [];
  const handedOver: number[] = [];
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
  const triggers = startSyncTriggers({
    drain: async (options) => {
      calls.push(options);
      return results.shift() ?? { outcome: 'synced', sent: 0 };
    },
    requestBackgroundSync: async () => void handedOver.push(Date.now()),
    periodMs: 60_000,
    debounceMs: 3_000,
    target: { window: win, document: doc },
  });
  return { calls, handedOver, win, doc, triggers };
}

beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 5, 1) }));
afterEach(() => vi.useRealTimers());

describe('startSyncTriggers', () => {
  it('drains at start, every minute, and when the app is shown again', async () => {
    const { calls, doc, triggers } = setup();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([{ force: false }]);

    await vi.advanceTimersByTimeAsync(60_000);
    doc.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(3);
    triggers.stop();
  });

  it('drains once, a few seconds after a burst of feedback', async () => {
    const { calls, triggers } = setup();
    await vi.advanceTimersByTimeAsync(0);
    triggers.soon();
    await vi.advanceTimersByTimeAsync(1_000);
    triggers.soon();
    await vi.advanceTimersByTimeAsync(2_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    triggers.stop();
  });

  it('tries again when the backoff ends, at once when the network returns, and hands a failure to the service worker', async () => {
    const { calls, handedOver, win, triggers } = setup([
      { outcome: 'failed', code: 'unreachable', retryAt: Date.now() + 5_000 },
      { outcome: 'failed', code: 'unreachable', retryAt: Date.now() + 50_000 },
    ]);
    await vi.advanceTimersByTimeAsync(0);
    expect(handedOver).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toEqual([{ force: false }, { force: false }]);

    win.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.at(-1)).toEqual({ force: true });
    expect(await triggers.now()).toEqual({ outcome: 'synced', sent: 0 });
    triggers.stop();
  });
});
