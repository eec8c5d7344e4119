import os from 'node:os';
import type { BenchSettings } from './bench-case.js';
import { BENCH_CASES } from './cases.js';
import { formatTable, type CaseRow } from './table.js';

/** The defaults keep the whole run well under a minute; env vars may lengthen it, within bounds. */
function readSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const bounded = (name: string, fallback: number, min: number, max: number) => {
    const value = Number(env[name] ?? fallback);
    return Number.isInteger(value) ? Math.min(Math.max(value, min), max) : fallback;
  };
  return {
    durationMs: bounded('BENCH_DURATION_MS', 3_000, 500, 30_000),
    warmupMs: bounded('BENCH_WARMUP_MS', 500, 0, 10_000),
    concurrency: bounded('BENCH_CONCURRENCY', 16, 1, 256),
  };
}

/** `npm run bench [name…]`: runs every case (or those whose name contains an argument). */
async function main(filters: string[]): Promise<number> {
  const settings = readSettings(process.env);
  const cases = BENCH_CASES.filter(
    (c) =>
      filters.length === 0 || filters.some((f) => c.name.toLowerCase().includes(f.toLowerCase())),
  );
  const rows: CaseRow[] = [];
  for (const benchCase of cases) {
    process.stderr.write(`bench: ${benchCase.name}…\n`);
    try {
      rows.push({ name: benchCase.name, outcome: await benchCase.run(settings) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${error instanceof Error ? error.stack : reason}\n`);
      rows.push({ name: benchCase.name, outcome: { status: 'failed', reason } });
    }
  }

  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  process.stdout.write(
    `\n${formatTable(rows)}\n` +
      `Node ${process.version}, ${os.cpus().length} × ${cpu}; ${settings.concurrency} keep-alive ` +
      `connections, ${settings.warmupMs} ms warm-up and ${settings.durationMs} ms measured per ` +
      'load phase, load generated from a worker thread; all servers on 127.0.0.1.\n',
  );
  return rows.some((row) => row.outcome.status === 'failed') ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Every case closes what it opened; this only guards against a handle someone forgot.
  setTimeout(() => process.exit(code), 5_000).unref();
});
