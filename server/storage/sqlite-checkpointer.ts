import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies committed pages from the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 200;

/**
 * A checkpoint copies the WAL into the database file and fsyncs both, which on a virtual disk
 * takes tens to hundreds of milliseconds. SQLite would do it inside whichever commit crosses the
 * threshold, stalling the event loop; here a worker thread with its own connection does it
 * instead (PASSIVE: it never blocks the writer), so a commit only appends to the WAL.
 * Plain CommonJS, so the worker runs the same under tsx, vitest and node.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the worker and closes its connection. */
  stop(): Promise<void>;
}

/** `onFailure`: the worker died (its error is passed on); the caller checkpoints by itself again. */
export function startCheckpointer(file: string, onFailure: (error: Error) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: CHECKPOINT_EVERY_MS } });
  // Never what keeps the process alive.
  worker.unref();
  worker.once('error', onFailure);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Awaited by close(): without a ref, a script with nothing else pending would exit mid-await.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
