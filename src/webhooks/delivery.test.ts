import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { DELIVER_JOB, encodeStoredWebhookBody, encodeWebhookBody } from './deliver.js';
import { fanOutToEndpoints } from './fan-out.js';
import { RETRY_SCHEDULE_MS } from './retry-policy.js';
import { registerDeliveryJob } from './worker.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

type Responder = (request: Received, response: http.ServerResponse, index: number) => void;

/** A real HTTP receiver on 127.0.0.1 that keeps the raw bytes of every request. */
async function startReceiver(respond: Responder = (_r, res) => res.end('ok')) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) };
      received.push(request);
      respond(request, res, received.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    url: (path = '/hook') => `${base}${path}`,
    /** Event types received, sorted: deliveries run in parallel, so arrival order is free. */
    types: (path?: string) =>
      received
        .filter((r) => path === undefined || r.path === path)
        .map((r) => JSON.parse(r.raw.toString('utf8')).type as string)
        .sort(),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dialects = await testDialects();
const SECOND = 1_000;
const HOUR = 3_600_000;

describe.each(dialects)('webhook delivery (%s)', (dialect) => {
  let t: TestContext;
  // Starts at the real time so the reference verifier's 5-minute tolerance holds for C01.
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);

  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
    registerDeliveryJob(t.services, { jitter: (ms) => ms });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh workspace with one endpoint, so each test sees only its own deliveries. */
  async function workspaceWithEndpoint(url: string, events?: string[]) {
    const { apiKey, workspaceId } = await t.createWorkspace();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: t.auth(apiKey),
      payload: { url, ...(events ? { events } : {}) },
    });
    expect(res.statusCode).toBe(201);
    return { apiKey, workspaceId, endpoint: res.json() as { id: string; secret: string } };
  }

  async function createTestimonial(apiKey: string, body: Record<string, unknown> = {}) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(apiKey),
      payload: { text: 'Nice', author_name: 'Ann', ...body },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  }

  async function patch(apiKey: string, url: string, payload: Record<string, unknown>) {
    const res = await t.app.inject({ method: 'PATCH', url, headers: t.auth(apiKey), payload });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  async function deliveries(apiKey: string, endpointId: string, query = '') {
    const res = await t.app.inject({
      url: `/v1/webhook-endpoints/${endpointId}/deliveries${query}`,
      headers: t.auth(apiKey),
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  function signatureCheck(secret: string, request: Received) {
    const id = String(request.headers['webhook-id']);
    const timestamp = Number(request.headers['webhook-timestamp']);
    const expected = new Webhook(secret).sign(
      id,
      new Date(timestamp * 1000),
      request.raw.toString('utf8'),
    );
    expect(request.headers['webhook-signature']).toBe(expected);
  }

  it('delivers created and approved events, signed over the exact bytes sent (C01)', async () => {
    const receiver = await startReceiver();
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url());
    const author = 'Zoë Ångström-Nakamura';
    const text = 'Loved it 😍 — “best” café\u2028ever';
    const testimonial = await createTestimonial(apiKey, { author_name: author, text });
    await patch(apiKey, `/v1/testimonials/${testimonial.id}`, { status: 'approved' });
    await t.services.jobs.runDue();

    expect(receiver.types()).toEqual([
      'testimonial.approved',
      'testimonial.created',
      'testimonial.updated',
    ]);
    const events = (
      await t.app.inject({ url: '/v1/events?limit=10', headers: t.auth(apiKey) })
    ).json().data as { id: string; type: string; created_at: string }[];
    const verifier = new Webhook(endpoint.secret);

    for (const request of receiver.received) {
      const rawText = request.raw.toString('utf8');
      expect(request.raw.length).toBe(Number(request.headers['content-length']));
      expect(request.raw.length).toBeGreaterThan(rawText.length);
      expect(request.headers['content-type']).toBe('application/json');
      const payload = verifier.verify(rawText, {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      }) as { type: string; timestamp: string; data: Record<string, unknown> };

      const event = events.find((e) => e.id === request.headers['webhook-id'])!;
      expect(payload.type).toBe(event.type);
      expect(payload.timestamp).toBe(event.created_at);
      expect(Object.keys(payload)).toEqual(['type', 'timestamp', 'data']);
      expect(payload.data).toMatchObject({ id: testimonial.id, author_name: author, text });
      expect(request.headers['webhook-timestamp']).toBe(String(clock.nowMs() / 1000));
    }
    // U+2028 travels as its raw UTF-8 bytes; the signature covers exactly those.
    expect(receiver.received[0]!.raw.includes(Buffer.from([0xe2, 0x80, 0xa8]))).toBe(true);

    const log = await deliveries(apiKey, endpoint.id);
    expect(log.data.map((d: { status: string }) => d.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(log.data[0].attempts).toHaveLength(1);
    expect(log.data[0].attempts[0]).toMatchObject({ attempt: 1, status_code: 200, error: null });
    await receiver.close();
  });

  it('retries a 503 at the scheduled time with the same webhook-id, then stops', async () => {
    const receiver = await startReceiver((_r, res, i) => {
      res.statusCode = i === 0 ? 503 : 200;
      res.end(i === 0 ? 'down for maintenance' : 'ok');
    });
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url(), [
      'testimonial.created',
    ]);
    await createTestimonial(apiKey);
    const firstAttemptMs = clock.nowMs();
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);

    const [pending] = (await deliveries(apiKey, endpoint.id)).data;
    expect(pending).toMatchObject({
      status: 'pending',
      attempt_count: 1,
      last_status_code: 503,
      next_attempt_at: new Date(firstAttemptMs + 5 * SECOND).toISOString(),
    });
    expect(pending.attempts[0]).toMatchObject({
      attempt: 1,
      status_code: 503,
      error: null,
      response_excerpt: 'down for maintenance',
    });

    clock.advance(5 * SECOND - 1);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);
    clock.advance(1);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(2);

    const [first, second] = receiver.received as [Received, Received];
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(second.headers['webhook-timestamp'])).toBe(
      Number(first.headers['webhook-timestamp']) + 5,
    );
    expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    expect(second.raw.equals(first.raw)).toBe(true);
    signatureCheck(endpoint.secret, first);
    signatureCheck(endpoint.secret, second);

    const [done] = (await deliveries(apiKey, endpoint.id)).data;
    expect(done).toMatchObject({
      status: 'succeeded',
      attempt_count: 2,
      next_attempt_at: null,
      last_status_code: 200,
    });
    expect(done.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([503, 200]);

    clock.advance(24 * HOUR);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(2);

    const warning = t.logs
      .map((line) => JSON.parse(line))
      .find((l) => l.msg === 'webhook attempt failed' && l.endpointId === endpoint.id);
    expect(warning).toMatchObject({ attempt: 1, statusCode: 503, deliveryId: done.id });
    expect(t.logs.join('\n')).not.toContain(endpoint.secret.slice(6));
    await receiver.close();
  });

  it('honours Retry-After on 429 and 503 as the least wait, never below the schedule', async () => {
    const receiver = await startReceiver((_r, res, i) => {
      if (i === 0) res.writeHead(429, { 'retry-after': '120' }).end();
      else if (i === 1) res.writeHead(503, { 'retry-after': '1' }).end();
      else res.end('ok');
    });
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url(), [
      'testimonial.created',
    ]);
    await createTestimonial(apiKey);
    await t.services.jobs.runDue();
    let [delivery] = (await deliveries(apiKey, endpoint.id)).data;
    expect(delivery.next_attempt_at).toBe(new Date(clock.nowMs() + 120 * SECOND).toISOString());

    clock.advance(120 * SECOND - 1);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);
    clock.advance(1);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(2);
    // Retry-After: 1 after the second attempt: the schedule's 5 minutes still apply.
    [delivery] = (await deliveries(apiKey, endpoint.id)).data;
    expect(delivery.next_attempt_at).toBe(new Date(clock.nowMs() + 5 * 60 * SECOND).toISOString());

    clock.advance(5 * 60 * SECOND);
    await t.services.jobs.runDue();
    [delivery] = (await deliveries(apiKey, endpoint.id)).data;
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 3 });
    await receiver.close();
  });

  it('marks a delivery failed when the schedule is used up', async () => {
    const receiver = await startReceiver((_r, res) => res.writeHead(500).end('boom'));
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url(), [
      'testimonial.created',
    ]);
    await createTestimonial(apiKey);
    await t.services.jobs.runDue();
    for (const [i, delayMs] of RETRY_SCHEDULE_MS.entries()) {
      clock.advance(delayMs);
      await t.services.jobs.runDue();
      expect(receiver.received).toHaveLength(i + 2);
    }

    const [delivery] = (await deliveries(apiKey, endpoint.id)).data;
    expect(delivery).toMatchObject({
      status: 'failed',
      attempt_count: 8,
      next_attempt_at: null,
      last_status_code: 500,
    });
    const times = delivery.attempts.map((a: { created_at: string }) => Date.parse(a.created_at));
    expect(times.slice(1).map((ms: number, i: number) => ms - times[i])).toEqual(RETRY_SCHEDULE_MS);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);

    clock.advance(100 * HOUR);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(8);
    const failed = await deliveries(apiKey, endpoint.id, '?status=failed');
    expect(failed.data).toHaveLength(1);
    await receiver.close();
  });

  it('counts a redirect as a failed attempt and does not follow it', async () => {
    const receiver = await startReceiver((r, res) => {
      if (r.path === '/hook') res.writeHead(301, { location: '/moved' }).end();
      else res.end('ok');
    });
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url(), [
      'testimonial.created',
    ]);
    await createTestimonial(apiKey);
    await t.services.jobs.runDue();

    expect(receiver.received.map((r) => r.path)).toEqual(['/hook']);
    const [delivery] = (await deliveries(apiKey, endpoint.id)).data;
    expect(delivery).toMatchObject({ status: 'pending', last_status_code: 301 });
    expect(delivery.attempts[0]).toMatchObject({
      status_code: 301,
      error: 'redirects are not followed',
    });
    await receiver.close();
  });

  it('records a refused connection as an error and retries', async () => {
    const port = await closedPort();
    const { apiKey, endpoint } = await workspaceWithEndpoint(`http://127.0.0.1:${port}/hook`, [
      'testimonial.created',
    ]);
    await createTestimonial(apiKey);
    await t.services.jobs.runDue();

    const [delivery] = (await deliveries(apiKey, endpoint.id)).data;
    expect(delivery).toMatchObject({ status: 'pending', attempt_count: 1, last_status_code: null });
    expect(delivery.attempts[0].status_code).toBeNull();
    expect(delivery.attempts[0].error).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(delivery.next_attempt_at).toBe(new Date(clock.nowMs() + 5 * SECOND).toISOString());
  });

  it('sends each endpoint only the events its filter matches', async () => {
    const receiver = await startReceiver();
    const { apiKey } = await t.createWorkspace();
    const endpoints: Record<string, string> = {};
    const filters: Record<string, string[]> = {
      '/exact': ['testimonial.approved'],
      '/wild': ['testimonial.*'],
      '/all': ['*'],
      '/two': ['testimonial.created', 'testimonial.deleted'],
      '/disabled': ['*'],
    };
    for (const [path, events] of Object.entries(filters)) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/webhook-endpoints',
        headers: t.auth(apiKey),
        payload: { url: receiver.url(path), events },
      });
      endpoints[path] = res.json().id;
    }
    await patch(apiKey, `/v1/webhook-endpoints/${endpoints['/disabled']}`, { enabled: false });

    const { id } = await createTestimonial(apiKey);
    await patch(apiKey, `/v1/testimonials/${id}`, { status: 'approved' });
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/v1/testimonials/${id}`,
      headers: t.auth(apiKey),
    });
    expect(del.statusCode).toBe(200);
    await t.services.jobs.runDue();

    const everything = [
      'testimonial.approved',
      'testimonial.created',
      'testimonial.deleted',
      'testimonial.updated',
    ];
    expect(receiver.types('/exact')).toEqual(['testimonial.approved']);
    expect(receiver.types('/wild')).toEqual(everything);
    expect(receiver.types('/all')).toEqual(everything);
    expect(receiver.types('/two')).toEqual(['testimonial.created', 'testimonial.deleted']);
    expect(receiver.types('/disabled')).toEqual([]);
    expect((await deliveries(apiKey, endpoints['/disabled']!)).data).toEqual([]);
    await receiver.close();
  });

  it('parks deliveries of a disabled endpoint and resumes them when re-enabled', async () => {
    const receiver = await startReceiver((_r, res, i) => res.writeHead(i === 0 ? 503 : 200).end());
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url(), [
      'testimonial.created',
    ]);
    await createTestimonial(apiKey);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);

    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    await patch(apiKey, url, { enabled: false });
    clock.advance(5 * SECOND);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);
    let log = await deliveries(apiKey, endpoint.id);
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({
      status: 'pending',
      attempt_count: 1,
      next_attempt_at: null,
    });

    await createTestimonial(apiKey);
    await t.services.jobs.runDue();
    expect((await deliveries(apiKey, endpoint.id)).data).toHaveLength(1);

    await patch(apiKey, url, { enabled: true });
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(
      receiver.received[0]!.headers['webhook-id'],
    );
    log = await deliveries(apiKey, endpoint.id);
    expect(log.data[0]).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    await receiver.close();
  });

  it('stops delivering when the endpoint is deleted', async () => {
    const receiver = await startReceiver((_r, res) => res.writeHead(500).end());
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url());
    await createTestimonial(apiKey);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);

    const del = await t.app.inject({
      method: 'DELETE',
      url: `/v1/webhook-endpoints/${endpoint.id}`,
      headers: t.auth(apiKey),
    });
    expect(del.statusCode).toBe(200);
    clock.advance(5 * SECOND);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);
    const rows = await t.services.db.kysely
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('endpoint_id', '=', endpoint.id)
      .execute();
    expect(rows).toEqual([]);
    await receiver.close();
  });

  it('fans an event out once, however often dispatch runs', async () => {
    const receiver = await startReceiver();
    const { apiKey, workspaceId } = await workspaceWithEndpoint(receiver.url());
    await createTestimonial(apiKey);
    const db = t.services.db.kysely;
    const row = await db
      .selectFrom('events')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const event = { ...row, data: JSON.parse(row.data) };
    const fanOut = fanOutToEndpoints(t.services);
    for (let i = 0; i < 3; i++) await t.services.transaction((trx) => fanOut(trx, event));

    const rows = await db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('event_id', '=', event.id)
      .execute();
    expect(rows).toHaveLength(1);
    const jobs = await db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', DELIVER_JOB)
      .where('status', '=', 'queued')
      .execute();
    expect(jobs.filter((j) => j.payload.includes(rows[0]!.id))).toHaveLength(1);

    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(1);
    await receiver.close();
  });

  it('lists deliveries newest first, by status, a page at a time', async () => {
    const receiver = await startReceiver((_r, res, i) => res.writeHead(i < 2 ? 200 : 500).end());
    const { apiKey, endpoint } = await workspaceWithEndpoint(receiver.url(), [
      'testimonial.created',
    ]);
    for (let i = 0; i < 3; i++) {
      clock.advance(SECOND);
      await createTestimonial(apiKey, { text: `number ${i}` });
      await t.services.jobs.runDue();
    }

    const all = await deliveries(apiKey, endpoint.id);
    expect(all.data.map((d: { status: string }) => d.status)).toEqual([
      'pending',
      'succeeded',
      'succeeded',
    ]);
    expect(all.data[0]).toEqual({
      id: expect.stringMatching(/^whd_[0-9a-z]{26}$/),
      object: 'webhook_delivery',
      endpoint_id: endpoint.id,
      event_id: receiver.received[2]!.headers['webhook-id'],
      event_type: 'testimonial.created',
      status: 'pending',
      attempt_count: 1,
      next_attempt_at: new Date(clock.nowMs() + 5 * SECOND).toISOString(),
      last_status_code: 500,
      last_error: null,
      attempts: [
        {
          attempt: 1,
          status_code: 500,
          duration_ms: expect.any(Number),
          error: null,
          response_excerpt: '',
          created_at: new Date(clock.nowMs()).toISOString(),
        },
      ],
      created_at: new Date(clock.nowMs()).toISOString(),
    });

    const succeeded = await deliveries(apiKey, endpoint.id, '?status=succeeded');
    expect(succeeded.data).toHaveLength(2);
    const page1 = await deliveries(apiKey, endpoint.id, '?limit=2');
    expect(page1.has_more).toBe(true);
    const page2 = await deliveries(
      apiKey,
      endpoint.id,
      `?limit=2&starting_after=${page1.data[1].id}`,
    );
    expect(page2).toMatchObject({ has_more: false });
    expect([...page1.data, ...page2.data].map((d: { id: string }) => d.id)).toEqual(
      all.data.map((d: { id: string }) => d.id),
    );
    await receiver.close();
  });
});

describe('the body sent from stored event data', () => {
  it('has the exact bytes of encoding the parsed data again', () => {
    const data = {
      text: 'Loved it 😍 — “best” café\u2028ever </script>',
      rating: 5,
      nested: { tags: ['a', 'b'], none: null, ratio: 0.1, big: 1e21, small: -0 },
      __proto__key: 'x',
    };
    const stored = JSON.stringify(data);
    const timestamp = '2026-12-04T05:00:00.000Z';
    const expected = encodeWebhookBody('testimonial.created', timestamp, JSON.parse(stored));
    const sent = encodeStoredWebhookBody('testimonial.created', timestamp, stored);
    expect(sent.equals(expected)).toBe(true);
    expect(JSON.parse(sent.toString('utf8'))).toEqual({
      type: 'testimonial.created',
      timestamp,
      data: JSON.parse(stored),
    });
  });
});
