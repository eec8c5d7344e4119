import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from './support/databases.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { startReceiver, waitFor, type Receiver } from './support/webhook-receiver.js';

/**
 * Two `showtrust serve` processes on one PostgreSQL database, as behind a load balancer:
 * every message is delivered, none twice after a success, the per-endpoint cap holds
 * within its documented bound (cap × processes), and each process's /metrics agrees.
 */
const dialects = await testDialects();
const EVENTS = 60;
const ENDPOINT_CONCURRENCY = 4;
const METRICS_TOKEN = randomBytes(16).toString('hex');

function sample(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe.runIf(dialects.includes('postgres'))('two servers, one PostgreSQL database', () => {
  const servers: ServerProcess[] = [];
  let receiver: Receiver | undefined;
  let database: TestDatabase | undefined;

  afterAll(async () => {
    for (const server of servers) await server.stop('SIGTERM');
    await receiver?.close();
    await database?.drop();
  });

  it(
    'delivers every message once after its success, whichever process sends it',
    {
      timeout: 120_000,
    },
    async () => {
      database = await createTestDatabase('postgres');
      const env = {
        DATABASE_URL: database.databaseUrl!,
        SHOWTRUST_DATA_DIR: database.dataDir,
        // Every process must read the signing secrets the others stored.
        SHOWTRUST_SECRET_KEY: randomBytes(32).toString('hex'),
        WEBHOOKS_ALLOW_HTTP: 'true',
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
        METRICS_TOKEN,
        RATE_LIMIT_API_PER_MINUTE: '1000000',
        LOG_LEVEL: 'error',
      };
      // The first request for each message fails (503), so every message is retried too.
      const seen = new Set<string>();
      receiver = await startReceiver(async (request, res) => {
        const id = String(request.headers['webhook-id']);
        await sleep(5);
        if (seen.has(id)) return res.end('ok');
        seen.add(id);
        res.writeHead(503).end();
      });

      const first = await startServerProcess(env);
      servers.push(first);
      const second = await startServerProcess(env);
      servers.push(second);
      expect(first.apiKey).toMatch(/^st_live_/);
      expect(second.apiKey).toBeUndefined();
      const post = (server: ServerProcess, path: string, body: unknown) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${first.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const endpoint = await post(first, '/v1/webhook-endpoints', {
        url: receiver.url(),
        events: ['testimonial.created'],
      });
      expect(endpoint.status).toBe(201);
      for (let i = 0; i < EVENTS; i++) {
        const server = servers[i % 2]!;
        const res = await post(server, '/v1/testimonials', { text: `Both ${i}`, author_name: 'P' });
        expect(res.status).toBe(201);
      }

      expect(await waitFor(() => receiver!.deliveredIds().size === EVENTS, 60_000)).toBe(true);
      await sleep(1_500);
      expect(receiver.duplicatesAfterSuccess()).toEqual([]);
      expect(receiver.received).toHaveLength(2 * EVENTS);
      expect(receiver.peakInFlight()).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY * servers.length);

      const scrapeAll = () =>
        Promise.all(
          servers.map(async (server) => {
            const res = await fetch(`${server.url}/metrics`, {
              headers: { authorization: `Bearer ${METRICS_TOKEN}` },
            });
            expect(res.status).toBe(200);
            return res.text();
          }),
        );
      let scrapes: string[] = [];
      const total = (series: string) => scrapes.reduce((n, body) => n + sample(body, series), 0);
      // Each answer is recorded (and counted) a moment after the receiver sent it.
      await waitFor(async () => {
        scrapes = await scrapeAll();
        return total('showtrust_webhook_deliveries_total{outcome="succeeded"}') === EVENTS;
      }, 10_000);
      expect(total('showtrust_webhook_attempts_total{result="success"}')).toBe(EVENTS);
      expect(total('showtrust_webhook_attempts_total{result="http_error"}')).toBe(EVENTS);
      expect(total('showtrust_webhook_deliveries_total{outcome="succeeded"}')).toBe(EVENTS);
      for (const body of scrapes) expect(sample(body, 'showtrust_webhook_queue_depth')).toBe(0);
    },
  );
});
