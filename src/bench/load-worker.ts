import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import type { LoadResult, LoadSpec } from './load.js';

/**
 * Runs in its own thread so the client's work does not share an event loop with the
 * server under test: `concurrency` loops, each one request at a time on a kept-alive
 * connection, first for the warm-up (not counted), then for the measured window.
 */
async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, {
    connections: spec.concurrency,
    pipelining: 1,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const result: LoadResult = { ok: 0, failed: 0, seconds: 0, statuses: {} };

  async function drive(untilMs: number, counted: boolean): Promise<void> {
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
          if (!counted) continue;
          const status = String(response.statusCode);
          result.statuses[status] = (result.statuses[status] ?? 0) + 1;
          if (response.statusCode === spec.expectStatus) result.ok += 1;
          else result.failed += 1;
        } catch {
          if (counted) result.failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, loop));
  }

  try {
    await drive(performance.now() + spec.warmupMs, false);
    const startMs = performance.now();
    await drive(startMs + spec.durationMs, true);
    result.seconds = (performance.now() - startMs) / 1000;
    return result;
  } finally {
    await pool.close();
  }
}

// A rejection here ends the thread with an 'error' event, which runLoad turns into a failure.
void generateLoad(workerData as LoadSpec).then((result) => parentPort?.postMessage(result));
