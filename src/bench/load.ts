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

/** What one worker drives: every spec warmed up, then their measured windows in turns. */
export interface LoadPlan {
  specs: LoadSpec[];
  turns: number;
}

/** Drives `spec` from a worker thread and resolves with what it counted; bounded in time. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const [result] = await runPlan({ specs: [spec], turns: 1 });
  return result!;
}

/**
 * Drives several specs from one worker: each is warmed up, then their measured windows
 * are cut into `turns` parts taken alternately, so load that comes and goes from other
 * work on the machine falls on each alike, with the client's code already warm.
 */
export function runLoadsInTurns(specs: LoadSpec[], turns: number): Promise<LoadResult[]> {
  return runPlan({ specs, turns });
}

function runPlan(plan: LoadPlan): Promise<LoadResult[]> {
  // The worker loads compiled JavaScript: the bench runs from dist/ (`npm run bench`).
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: plan });
  const plannedMs = plan.specs.reduce((sum, spec) => sum + spec.warmupMs + spec.durationMs, 0);

  return new Promise<LoadResult[]>((resolve, reject) => {
    const limit = setTimeout(() => {
      void worker.terminate();
      reject(new Error('load generator overran its time limit'));
    }, plannedMs + OVERRUN_MS);
    worker.once('message', (results: LoadResult[]) => {
      clearTimeout(limit);
      resolve(results);
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
