import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from './support/databases.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { startReceiver, type Receiver } from './support/webhook-receiver.js';

const EVENTS = 30;
const WAIT_FOR_DELIVERY_MS = 30_000;

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startReceiverOn(port: number, received: Received[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** Polls until check() is true or the deadline passes; returns the last result. */
async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

const dialects = await testDialects();

describe.each(dialects)('webhooks survive a server crash (%s)', (dialect) => {
  const servers: ServerProcess[] = [];
  let receiver: http.Server | undefined;
  let database: TestDatabase | undefined;

  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    receiver?.closeAllConnections();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
    await database?.drop();
  });

  it('delivers every event after SIGKILL and restart', { timeout: 90_000 }, async () => {
    database = await createTestDatabase(dialect);
    const env = {
      SHOWTRUST_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl ?? '',
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      WEBHOOK_TIMEOUT_MS: '2000',
      JOB_LEASE_MS: '4000',
    };
    const receiverPort = await freePort();

    const first = await startServerProcess(env);
    servers.push(first);
    const apiKey = first.apiKey!;
    expect(apiKey).toMatch(/^st_live_/);
    const api = (server: ServerProcess, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });

    const created = await api(first, '/v1/webhook-endpoints', {
      url: `http://127.0.0.1:${receiverPort}/hook`,
      events: ['testimonial.created'],
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string };
    for (let i = 0; i < EVENTS; i++) {
      const res = await api(first, '/v1/testimonials', { text: `Crash ${i}`, author_name: 'K' });
      expect(res.status).toBe(201);
    }

    // Kill while deliveries are mid-schedule: some attempts refused, the rest still queued.
    const attempted = await waitFor(async () => {
      const res = await api(first, `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=100`);
      const page = (await res.json()) as { data: { attempt_count: number }[] };
      return page.data.some((d) => d.attempt_count > 0);
    }, 10_000);
    expect(attempted).toBe(true);
    await first.stop('SIGKILL');

    // The receiver comes up before the restart: a retry the new process runs at once
    // must not fail again and wait five minutes.
    const received: Received[] = [];
    receiver = await startReceiverOn(receiverPort, received);
    const second = await startServerProcess(env);
    servers.push(second);
    expect(second.apiKey).toBeUndefined();

    const distinct = () => new Set(received.map((r) => String(r.headers['webhook-id'])));
    await waitFor(() => distinct().size >= EVENTS, WAIT_FOR_DELIVERY_MS);
    expect(distinct().size).toBe(EVENTS);

    const events = (await (
      await api(second, '/v1/events?type=testimonial.created&limit=100')
    ).json()) as { data: { id: string }[] };
    expect(distinct()).toEqual(new Set(events.data.map((e) => e.id)));
    const verifier = new Webhook(endpoint.secret);
    for (const request of received) {
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      expect(() => verifier.verify(request.raw.toString('utf8'), headers)).not.toThrow();
    }

    // Every delivery is recorded as succeeded, and none was sent again afterwards.
    const allSucceeded = await waitFor(async () => {
      const res = await api(
        second,
        `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=succeeded&limit=100`,
      );
      return ((await res.json()) as { data: unknown[] }).data.length === EVENTS;
    }, 5_000);
    expect(allSucceeded).toBe(true);
    await sleep(500);
    expect(received).toHaveLength(EVENTS);
  });
});

const FAN_OUT = 1_000;
const CREATE_PARALLEL = 8;

/** All event ids of one type, through the API, page by page. */
async function eventIds(server: ServerProcess, apiKey: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor = '';
  for (let page = 0; page < 50; page++) {
    const res = await fetch(`${server.url}/v1/events?type=testimonial.created&limit=100${cursor}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const body = (await res.json()) as { data: { id: string }[]; has_more: boolean };
    for (const event of body.data) ids.add(event.id);
    if (!body.has_more) break;
    cursor = `&starting_after=${body.data.at(-1)!.id}`;
  }
  return ids;
}

describe.each(dialects)('a fan-out of 1,000 events survives SIGKILL (%s)', (dialect) => {
  const servers: ServerProcess[] = [];
  let receiver: Receiver | undefined;
  let database: TestDatabase | undefined;

  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await receiver?.close();
    await database?.drop();
  });

  it(
    'kills the server while it creates and delivers, and every event still arrives',
    {
      timeout: 120_000,
    },
    async () => {
      database = await createTestDatabase(dialect);
      const env = {
        SHOWTRUST_DATA_DIR: database.dataDir,
        DATABASE_URL: database.databaseUrl ?? '',
        WEBHOOKS_ALLOW_HTTP: 'true',
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        LOG_LEVEL: 'error',
        WEBHOOK_TIMEOUT_MS: '2000',
        JOB_LEASE_MS: '3000',
        RATE_LIMIT_API_PER_MINUTE: '1000000',
      };
      // Slow while the first server runs (so the kill lands mid-way), quick after the restart.
      let slow = true;
      receiver = await startReceiver(async (_r, res) => {
        if (slow) await sleep(15);
        res.end('ok');
      });

      const first = await startServerProcess(env);
      servers.push(first);
      const apiKey = first.apiKey!;
      const post = (server: ServerProcess, path: string, body: unknown) =>
        fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await post(first, '/v1/webhook-endpoints', {
        url: receiver.url(),
        events: ['testimonial.created'],
      });
      expect(created.status).toBe(201);

      // Eight writers create testimonials until the receiver has 150 messages, then SIGKILL.
      let next = 0;
      let killed = false;
      const writer = async () => {
        while (!killed && next < FAN_OUT) {
          const n = next++;
          await post(first, '/v1/testimonials', { text: `Fan-out ${n}`, author_name: 'K' }).catch(
            () => undefined,
          );
        }
      };
      const writers = Array.from({ length: CREATE_PARALLEL }, writer);
      expect(await waitFor(() => receiver!.received.length >= 150 || next >= FAN_OUT, 60_000)).toBe(
        true,
      );
      killed = true;
      await first.stop('SIGKILL');
      await Promise.all(writers);
      const atKill = receiver.received.length;
      expect(atKill).toBeLessThan(FAN_OUT);

      // After the restart: top up to exactly 1,000 events, then every one must arrive.
      slow = false;
      const second = await startServerProcess(env);
      servers.push(second);
      const committed = await eventIds(second, apiKey);
      for (let i = committed.size; i < FAN_OUT; i++) {
        const res = await post(second, '/v1/testimonials', {
          text: `Top-up ${i}`,
          author_name: 'K',
        });
        expect(res.status).toBe(201);
      }
      const events = await eventIds(second, apiKey);
      expect(events.size).toBe(FAN_OUT);

      const distinct = () =>
        new Set(receiver!.received.map((r) => String(r.headers['webhook-id'])));
      await waitFor(() => distinct().size >= FAN_OUT, 60_000);
      expect(distinct()).toEqual(events);
      expect(atKill).toBeGreaterThan(0);
    },
  );
});
