import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { Pool } from 'undici';
import { parseConfig } from '../../platform/config.js';
import { newId } from '../../platform/ids.js';
import { createLogger } from '../../platform/logger.js';
import { startServer } from '../../server.js';
import { buildWebhookMessage, encodeWebhookBody } from '../../webhooks/deliver.js';
import { EVENT_CATALOGUE } from '../../webhooks/event-types.js';
import { createEndpoint } from '../../webhooks/service.js';
import type { OutgoingWebhook } from '../../webhooks/sender.js';
import { generateSecret } from '../../webhooks/signing.js';
import type { BenchCase, CaseOutcome } from '../bench-case.js';
import { makeTempDir } from '../instances.js';
import type { ReceiverCommand, ReceiverMessage } from './webhook-receiver-worker.js';

/** Events committed in one burst for the throughput phase. */
const BURST_EVENTS = 4_000;
/**
 * Deliveries each side makes before its measured burst, not counted: compiled code and
 * prepared statements, kept-alive sockets, a database that has been written to before.
 */
const WARMUP_EVENTS = 2_000;
/** The steady rate of the latency phase, and the aims the issue sets at it. */
export const LATENCY_RATE_PER_SECOND = 200;
export const THROUGHPUT_AIM_RATIO = 0.5;
export const P99_AIM_MS = 100;
const WAIT_FOR_DELIVERY_MS = 60_000;

const EVENT_TYPE = 'testimonial.created';
const EVENT_DATA = EVENT_CATALOGUE[EVENT_TYPE].example;
const nowMs = () => performance.timeOrigin + performance.now();

interface Receiver {
  url: string;
  /** Counts afresh; resolves with the time the `count`-th distinct webhook-id arrived. */
  expect(count: number): Promise<number>;
  /** When each webhook-id first arrived. */
  arrivals(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const worker = new Worker(new URL('./webhook-receiver-worker.js', import.meta.url));
  const next = <T extends ReceiverMessage['type']>(type: T) =>
    new Promise<Extract<ReceiverMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the receiver sent no ${type} message in time`)),
        WAIT_FOR_DELIVERY_MS,
      );
      const onMessage = (message: ReceiverMessage) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        resolve(message as Extract<ReceiverMessage, { type: T }>);
      };
      worker.on('message', onMessage);
    });
  const command = (message: ReceiverCommand) => worker.postMessage(message);
  const { port } = await next('listening');

  return {
    url: `http://127.0.0.1:${port}/hook`,
    async expect(count) {
      const done = next('done');
      command({ type: 'expect', count });
      return (await done).atMs;
    },
    async arrivals() {
      const report = next('report');
      command({ type: 'report' });
      return new Map((await report).arrivals);
    },
    async close() {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      command({ type: 'close' });
      await exited;
    },
  };
}

/** The real server as `showtrust serve` runs it, allowed to post to this machine. */
async function startSubject(receiverUrl: string) {
  const temp = makeTempDir('webhooks');
  const config = parseConfig({
    SHOWTRUST_DATA_DIR: temp.dir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
  });
  const server = await startServer(config, { log: createLogger('warn', process.stderr) });
  const { services, bootstrap } = server;
  const workspaceId = bootstrap.workspaceId;
  await createEndpoint(services, workspaceId, { url: receiverUrl, events: [EVENT_TYPE] });
  return {
    server,
    concurrency: config.webhooks.endpointConcurrency,
    /** Commits one event (and so its delivery job); returns its id and commit time. */
    async commit(): Promise<[string, number]> {
      const event = await services.transaction((trx) =>
        services.outbox.record(trx, workspaceId, EVENT_TYPE, EVENT_DATA),
      );
      return [event.id, nowMs()];
    },
    async dispose() {
      await server.close();
      temp.remove();
    },
  };
}

/** The baseline: a bare undici Pool posting the same signed bodies, nothing stored. */
function bareSender(url: string, connections: number) {
  const pool = new Pool(new URL(url).origin, { connections, pipelining: 1 });
  const secret = generateSecret();
  const body = encodeWebhookBody(EVENT_TYPE, new Date().toISOString(), EVENT_DATA);
  return {
    async send(): Promise<string> {
      const eventId = newId('event');
      const message: OutgoingWebhook = buildWebhookMessage(
        { url, eventId, body },
        [secret],
        Math.floor(Date.now() / 1000),
      );
      const response = await pool.request({
        path: new URL(url).pathname,
        method: 'POST',
        headers: { ...message.headers, 'content-length': String(body.length) },
        body: message.body,
      });
      await response.body.dump();
      return eventId;
    },
    close: () => pool.close(),
  };
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** Runs fn at `ratePerSecond` for `count` ticks, on schedule even if one tick is slow. */
async function atRate(count: number, ratePerSecond: number, fn: () => Promise<void>) {
  const startMs = nowMs();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const waitMs = startMs + (i * 1000) / ratePerSecond - nowMs();
    if (waitMs > 0) await sleep(waitMs);
    inFlight.push(fn());
  }
  await Promise.all(inFlight);
  return (nowMs() - startMs) / 1000;
}

const throughputCase: BenchCase = {
  name: `webhooks: ${BURST_EVENTS.toLocaleString('en-US')} committed events → keep-alive receiver (SQLite)`,
  async run(): Promise<CaseOutcome> {
    const receiver = await startReceiver();
    try {
      const subject = await startSubject(receiver.url);
      let showTrustPerSecond: number;
      try {
        // Each burst is committed with the worker held, then the worker drains it.
        const drain = async (count: number) => {
          await subject.server.services.jobs.stop();
          for (let i = 0; i < count; i++) await subject.commit();
          const done = receiver.expect(count);
          const startMs = nowMs();
          subject.server.services.jobs.start();
          return count / (((await done) - startMs) / 1000);
        };
        await drain(WARMUP_EVENTS);
        showTrustPerSecond = await drain(BURST_EVENTS);
      } finally {
        await subject.dispose();
      }

      const sender = bareSender(receiver.url, subject.concurrency);
      const burst = async (count: number) => {
        const done = receiver.expect(count);
        const startMs = nowMs();
        let sent = 0;
        const loop = async () => {
          while (sent++ < count) await sender.send();
        };
        await Promise.all(Array.from({ length: subject.concurrency }, loop));
        return count / (((await done) - startMs) / 1000);
      };
      await burst(WARMUP_EVENTS);
      const baselinePerSecond = await burst(BURST_EVENTS);
      await sender.close();

      const ratio = showTrustPerSecond / baselinePerSecond;
      return {
        status: 'measured',
        subject: { value: showTrustPerSecond, unit: 'req/s', label: 'ShowTrust' },
        baseline: {
          value: baselinePerSecond,
          unit: 'req/s',
          label: 'bare undici Pool, same signed bodies, nothing stored',
        },
        higherIsBetter: true,
        aim: { text: `≥ ${THROUGHPUT_AIM_RATIO * 100} %`, met: ratio >= THROUGHPUT_AIM_RATIO },
        note: `deliveries/s; ${subject.concurrency} in flight (WEBHOOK_ENDPOINT_CONCURRENCY) for both, after ${WARMUP_EVENTS} uncounted each`,
      };
    } finally {
      await receiver.close();
    }
  },
};

/** Commit-to-first-attempt latencies in milliseconds, one per event. */
function latencies(committed: Map<string, number>, arrived: Map<string, number>): number[] {
  return [...committed].map(([id, atMs]) => (arrived.get(id) ?? NaN) - atMs);
}

const latencyCase: BenchCase = {
  name: `webhooks: commit → first attempt at ${LATENCY_RATE_PER_SECOND} events/s (SQLite)`,
  async run(settings): Promise<CaseOutcome> {
    const count = Math.round((LATENCY_RATE_PER_SECOND * settings.durationMs) / 1000);
    const receiver = await startReceiver();
    try {
      const subject = await startSubject(receiver.url);
      const committed = new Map<string, number>();
      let seconds: number;
      try {
        // Warm-up at the same rate (compiled queries, JIT, kept-alive sockets), not counted.
        const warmup = Math.round((LATENCY_RATE_PER_SECOND * settings.warmupMs) / 1000);
        const warm = receiver.expect(warmup);
        await atRate(warmup, LATENCY_RATE_PER_SECOND, async () => void (await subject.commit()));
        if (warmup > 0) await warm;

        const done = receiver.expect(count);
        seconds = await atRate(count, LATENCY_RATE_PER_SECOND, async () => {
          const [id, atMs] = await subject.commit();
          committed.set(id, atMs);
        });
        await done;
      } finally {
        await subject.dispose();
      }
      const ours = latencies(committed, await receiver.arrivals());

      const sender = bareSender(receiver.url, subject.concurrency);
      for (let i = 0; i < subject.concurrency; i++) await sender.send();
      const sentAt = new Map<string, number>();
      const done = receiver.expect(count);
      await atRate(count, LATENCY_RATE_PER_SECOND, async () => {
        const atMs = nowMs();
        sentAt.set(await sender.send(), atMs);
      });
      await done;
      await sender.close();
      const bare = latencies(sentAt, await receiver.arrivals());

      const p99 = percentile(ours, 0.99);
      const p50 = (values: number[]) => percentile(values, 0.5).toFixed(1);
      return {
        status: 'measured',
        subject: { value: p99 / 1000, unit: 's', label: 'ShowTrust p99' },
        baseline: {
          value: percentile(bare, 0.99) / 1000,
          unit: 's',
          label: 'bare undici Pool p99, same signed bodies',
        },
        higherIsBetter: false,
        aim: { text: `p99 < ${P99_AIM_MS} ms`, met: p99 < P99_AIM_MS },
        note:
          `p50 ${p50(ours)} ms (baseline ${p50(bare)} ms); ${count} events committed at ` +
          `${Math.round(count / seconds)}/s, each its own transaction`,
      };
    } finally {
      await receiver.close();
    }
  },
};

export const webhookDeliveryCases: BenchCase[] = [throughputCase, latencyCase];
