import type { DrainOptions, DrainResult } from './drain.ts';

/**
 * When the page drains the outbox: at start, when the network comes back, every minute and when
 * the app is shown again, a few seconds after feedback, when a person asks, and when a backoff ends.
 */

export interface SyncTriggers {
  /** After feedback: one drain a few seconds later for a burst of taps. */
  soon(): void;
  /** "Sync now": at once, whatever the backoff. */
  now(): Promise<DrainResult>;
  stop(): void;
}

export interface TriggerOptions {
  drain(options: DrainOptions): Promise<DrainResult>;
  /** Hands the outbox to the service worker (Background Sync) after a failure or when hidden, for when the page is gone. */
  requestBackgroundSync?: () => Promise<void>;
  periodMs?: number;
  debounceMs?: number;
  /** window and document by default. */
  target?: { window: Pick<Window, 'addEventListener' | 'removeEventListener'>; document: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'> };
}

export function startSyncTriggers(options: TriggerOptions): SyncTriggers {
  const { drain, periodMs = 60_000, debounceMs = 3_000 } = options;
  const { window: win, document: doc } = options.target ?? { window, document };
  let running: Promise<DrainResult> | null = null;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const handOver = () => void options.requestBackgroundSync?.().catch((error: unknown) => console.warn('Wanwu: no background sync', error));

  /** One drain at a time in this page; a trigger during one is answered by it. */
  function run(force = false): Promise<DrainResult> {
    running ??= drain({ force })
      .then((result) => {
        clearTimeout(retry);
        if (result.outcome !== 'synced' && result.retryAt !== null) retry = setTimeout(() => void background(), Math.max(0, result.retryAt - Date.now()));
        if (result.outcome === 'failed') handOver();
        return result;
      })
      .finally(() => (running = null));
    return running;
  }

  const background = (force = false) => run(force).catch((error: unknown) => console.warn('Wanwu: sync failed', error));
  const online = () => void background(true);
  // Hidden may mean closed for good: the service worker takes over what is left.
  const visibility = () => (doc.visibilityState === 'visible' ? void background() : handOver());
  win.addEventListener('online', online);
  doc.addEventListener('visibilitychange', visibility);
  const period = setInterval(() => void background(), periodMs);
  void background();

  return {
    soon() {
      clearTimeout(debounce);
      debounce = setTimeout(() => void background(), debounceMs);
    },
    now: () => run(true),
    stop() {
      clearTimeout(debounce);
      clearTimeout(retry);
      clearInterval(period);
      win.removeEventListener('online', online);
      doc.removeEventListener('visibilitychange', visibility);
    },
  };
}
