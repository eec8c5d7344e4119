import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import type { LoadPlan, LoadResult, LoadSpec } from './load.js';

/** Drives one spec's loops until `untilMs`, counting into `result` when given one. */
async function drive(
  pool: Pool,
  spec: LoadSpec,
  untilMs: number,
  result: LoadResult | undefined,
): Promise<void> {
  const loop = async () => {
    while (performance.now() < untilMs) {
      try {
        const response = await pool.request({
          path: spec.path,
          method: spec.method,
          headers: spec.headers,
          body: spec.body,
        });
        await response.body.arrayBuffer();
        if (!result) continue;
        const status = String(response.statusCode);
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        if (response.statusCode === spec.expectStatus) result.ok += 1;
        else result.failed += 1;
      } catch {
        if (result) result.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
}

/**
 * Runs in its own thread so the client's work does not share an event loop with the
 * servers under test: for each spec, `concurrency` loops, each one request at a time on
 * a kept-alive connection. Every spec is first warmed up (not counted); then each spec's
 * measured window, cut into `turns` parts, is driven in turn, spec after spec.
 */
async function runPlan({ specs, turns }: LoadPlan): Promise<LoadResult[]> {
  const pools = specs.map(
    (spec) =>
      new Pool(spec.origin, {
        connections: spec.concurrency,
        pipelining: 1,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      }),
  );
  const results = specs.map((): LoadResult => ({ ok: 0, failed: 0, seconds: 0, statuses: {} }));

  try {
    for (const [i, spec] of specs.entries()) {
      await drive(pools[i]!, spec, performance.now() + spec.warmupMs, undefined);
    }
    for (let turn = 0; turn < turns; turn++) {
      for (const [i, spec] of specs.entries()) {
        const startMs = performance.now();
        await drive(pools[i]!, spec, startMs + spec.durationMs / turns, results[i]);
        results[i]!.seconds += (performance.now() - startMs) / 1000;
      }
    }
    return results;
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

// A rejection here ends the thread with an 'error' event, which runLoad turns into a failure.
void runPlan(workerData as LoadPlan).then((results) => parentPort?.postMessage(results));
