import { Worker } from 'node:worker_threads';

export interface LoadSpec {
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Responses with another status count as failures, not as throughput. */
  expectStatus: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  statuses: Record<string, number>;
}

/** Slack beyond the planned run before the worker is stopped by force. */
const OVERRUN_MS = 30_000;

/** "0 failed", or how many failed and the statuses seen, for a table's notes. */
export function describeFailures(...results: LoadResult[]): string {
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  if (failed === 0) return '0 failed';
  const statuses = results.flatMap((r) => Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`));
  return `${failed} failed (statuses ${statuses.join(', ')})`;
}

/** Successful responses per second, measured over the timed window only. */
export const perSecond = (result: LoadResult) => result.ok / result.seconds;

/** Drives `spec` from a worker thread and resolves with what it counted; bounded in time. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  // The worker loads compiled JavaScript: the bench runs from dist/ (`npm run bench`).
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: spec });

  return new Promise<LoadResult>((resolve, reject) => {
    const limit = setTimeout(
      () => {
        void worker.terminate();
        reject(new Error('load generator overran its time limit'));
      },
      spec.warmupMs + spec.durationMs + OVERRUN_MS,
    );
    worker.once('message', (result: LoadResult) => {
      clearTimeout(limit);
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(limit);
      reject(new Error(`load generator exited with code ${code}`));
    });
  });
}
