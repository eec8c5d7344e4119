import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { webhookApi } from '../../test/support/webhook-api.js';
import {
  closedPort,
  signatureHeaders,
  startReceiver,
  type ReceivedWebhook,
  type Receiver,
} from '../../test/support/webhook-receiver.js';
import { RETRY_SCHEDULE_MS } from './retry-policy.js';
import { SECRET_ROTATION_OVERLAP_MS } from './secret-rotation.js';
import { registerDeliveryJob } from './worker.js';

const dialects = await testDialects();
const HOUR = 3_600_000;

/** Both reference verifiers, run with Date at the injected clock's time (their 5-minute tolerance). */
function verifies(secret: string, request: ReceivedWebhook, nowMs: number): boolean[] {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(nowMs);
  try {
    const raw = request.raw.toString('utf8');
    const headers = signatureHeaders(request);
    return [new StandardWebhook(secret), new SvixWebhook(secret)].map((verifier) => {
      try {
        verifier.verify(raw, headers);
        return true;
      } catch {
        return false;
      }
    });
  } finally {
    vi.useRealTimers();
  }
}

describe.each(dialects)('webhook operator actions (%s)', (dialect) => {
  let t: TestContext;
  const clock = new ManualClock();
  const receivers: Receiver[] = [];
  let healthy = true;

  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
    registerDeliveryJob(t.services, { jitter: (ms) => ms });
  });
  afterEach(() => {
    healthy = true;
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
    await t.close();
  });

  async function setUp(events = ['testimonial.created']) {
    const receiver = await startReceiver((_r, res) => res.writeHead(healthy ? 200 : 500).end());
    receivers.push(receiver);
    const { apiKey, workspaceId } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    const endpoint = await api.createEndpoint({ url: receiver.url(), events });
    return { api, receiver, endpoint, workspaceId };
  }

  /** Runs every attempt of the schedule, so a failing delivery ends failed. */
  async function runWholeSchedule() {
    await t.services.jobs.runDue();
    for (const delayMs of RETRY_SCHEDULE_MS) {
      clock.advance(delayMs);
      await t.services.jobs.runDue();
    }
  }

  it('signs with both secrets for SECRET_ROTATION_OVERLAP_MS after a rotation, then the new one only', async () => {
    expect(SECRET_ROTATION_OVERLAP_MS).toBe(24 * HOUR);
    const { api, receiver, endpoint } = await setUp();
    const oldSecret = endpoint.secret;
    const rotatedAtMs = clock.nowMs();
    const rotated = await api.expectJson(
      200,
      'POST',
      `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.previous_secret_expires_at).toBe(
      new Date(rotatedAtMs + SECRET_ROTATION_OVERLAP_MS).toISOString(),
    );
    expect(await api.endpoint(endpoint.id)).not.toHaveProperty('secret');

    const send = async () => {
      await api.createTestimonial();
      await t.services.jobs.runDue();
      return receiver.received.at(-1)!;
    };
    const during = await send();
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(oldSecret, during, clock.nowMs())).toEqual([true, true]);
    expect(verifies(rotated.secret, during, clock.nowMs())).toEqual([true, true]);

    clock.advance(SECRET_ROTATION_OVERLAP_MS - 1);
    const last = await send();
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);

    clock.advance(1);
    const after = await send();
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(oldSecret, after, clock.nowMs())).toEqual([false, false]);
    expect(verifies(rotated.secret, after, clock.nowMs())).toEqual([true, true]);
  });

  it('retries one finished delivery on request, and refuses what it cannot retry', async () => {
    const { api, receiver, endpoint } = await setUp();
    healthy = false;
    await api.createTestimonial();
    await runWholeSchedule();
    const [failed] = await api.deliveries(endpoint.id);
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 8 });

    healthy = true;
    const url = `/v1/webhook-endpoints/${endpoint.id}/deliveries/${failed!.id}/retry`;
    const retried = await api.expectJson(202, 'POST', url);
    expect(retried).toMatchObject({ id: failed!.id, status: 'pending', attempt_count: 8 });
    const again = await api.expectJson(409, 'POST', url);
    expect(again.code).toBe('conflict');
    await t.services.jobs.runDue();
    expect(await api.deliveries(endpoint.id)).toMatchObject([
      { status: 'succeeded', attempt_count: 9 },
    ]);
    expect(receiver.received).toHaveLength(9);

    const other = await setUp();
    const foreign = `/v1/webhook-endpoints/${other.endpoint.id}/deliveries/${failed!.id}/retry`;
    expect((await other.api.expectJson(404, 'POST', foreign)).code).toBe('not_found');
    const missing = `/v1/webhook-endpoints/${endpoint.id}/deliveries/whd_00000000000000000000000000/retry`;
    expect((await api.expectJson(404, 'POST', missing)).code).toBe('not_found');
    await api.expectJson(200, 'PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { enabled: false });
    expect((await api.expectJson(409, 'POST', url)).detail).toMatch(/disabled/);
  });

  it('lists the deliveries of one event across endpoints, by status', async () => {
    const { api, workspaceId } = await setUp();
    const down = `http://127.0.0.1:${await closedPort()}/hook`;
    const second = await api.createEndpoint({ url: down, events: ['testimonial.*'] });
    await api.createTestimonial();
    await t.services.jobs.runDue();
    const [event] = await api.events('testimonial.created');

    const all = await api.expectJson(200, 'GET', `/v1/events/${event!.id}/deliveries`);
    expect(all.data.map((d: { status: string }) => d.status).sort()).toEqual([
      'pending',
      'succeeded',
    ]);
    const pending = await api.expectJson(
      200,
      'GET',
      `/v1/events/${event!.id}/deliveries?status=pending`,
    );
    expect(pending.data).toMatchObject([{ endpoint_id: second.id, event_id: event!.id }]);
    expect(pending.data[0].attempts[0].error).toMatch(/ECONNREFUSED/);

    const stranger = webhookApi(t, (await t.createWorkspace()).apiKey);
    await stranger.expectJson(404, 'GET', `/v1/events/${event!.id}/deliveries`);
    await api.expectJson(404, 'GET', '/v1/events/evt_00000000000000000000000000/deliveries');
    expect(workspaceId).toBeTruthy();
  });

  it('sends an example now with POST …/test and stores nothing', async () => {
    const { api, receiver, endpoint } = await setUp();
    const url = `/v1/webhook-endpoints/${endpoint.id}/test`;
    const result = await api.expectJson(200, 'POST', url, {});
    expect(result).toEqual({
      object: 'webhook_test',
      endpoint_id: endpoint.id,
      event_type: 'testimonial.created',
      webhook_id: expect.stringMatching(/^evt_/),
      succeeded: true,
      status_code: 200,
      duration_ms: expect.any(Number),
      error: null,
      response_excerpt: '',
    });
    const [sent] = receiver.received;
    expect(sent!.headers['webhook-id']).toBe(result.webhook_id);
    expect(JSON.parse(sent!.raw.toString()).type).toBe('testimonial.created');
    expect(verifies(endpoint.secret, sent!, clock.nowMs())).toEqual([true, true]);

    const disabled = await api.expectJson(200, 'POST', url, {
      event_type: 'webhook_endpoint.disabled',
    });
    expect(disabled).toMatchObject({ event_type: 'webhook_endpoint.disabled', succeeded: true });
    healthy = false;
    expect(await api.expectJson(200, 'POST', url, {})).toMatchObject({
      succeeded: false,
      status_code: 500,
    });
    const unknown = await api.expectJson(422, 'POST', url, { event_type: 'nope.nothing' });
    expect(unknown.code).toBe('validation_failed');

    expect(await api.deliveries(endpoint.id)).toEqual([]);
    const events = await api.expectJson(200, 'GET', '/v1/events');
    expect(events.data).toEqual([]);
  });

  it('limits an endpoint to rate_limit_per_second messages each second', async () => {
    const { api, receiver, endpoint } = await setUp();
    clock.set(new Date(Math.ceil(clock.nowMs() / 1000) * 1000).toISOString());
    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    await api.expectJson(200, 'PATCH', url, { rate_limit_per_second: 2 });
    for (let i = 0; i < 5; i++) await api.createTestimonial();

    await t.services.jobs.runDue();
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(2);
    clock.advance(999);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(2);
    clock.advance(1);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(4);
    clock.advance(1000);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(5);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(5);

    for (const bad of [0, 1001, 2.5]) {
      const res = await api.expectJson(422, 'PATCH', url, { rate_limit_per_second: bad });
      expect(res.code).toBe('validation_failed');
    }
    expect(await api.expectJson(200, 'PATCH', url, { rate_limit_per_second: null })).toMatchObject({
      rate_limit_per_second: null,
    });
  });
});

describe.each(dialects)('recovering failed deliveries (%s)', (dialect) => {
  let t: TestContext;
  const clock = new ManualClock();
  const MAX_PENDING = 3;

  beforeAll(async () => {
    // One attempt at a time per endpoint makes the sending order observable.
    t = await createTestContext(dialect, {
      clock,
      env: {
        WEBHOOK_ENDPOINT_CONCURRENCY: '1',
        WEBHOOK_MAX_PENDING_PER_ENDPOINT: String(MAX_PENDING),
      },
    });
    registerDeliveryJob(t.services, { jitter: (ms) => ms });
  });
  afterAll(async () => {
    await t.close();
  });

  it('re-sends failed deliveries since a time, oldest first, up to the pending cap', async () => {
    let healthy = false;
    const receiver = await startReceiver((_r, res) => res.writeHead(healthy ? 200 : 503).end());
    const { apiKey } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    const endpoint = await api.createEndpoint({ url: receiver.url(), events: ['testimonial.*'] });
    const createdAt: string[] = [];
    for (let i = 0; i < 5; i++) {
      createdAt.push(new Date(clock.nowMs()).toISOString());
      await api.createTestimonial({ text: `Number ${i}` });
      await t.services.jobs.runDue();
      for (const delayMs of RETRY_SCHEDULE_MS) {
        clock.advance(delayMs);
        await t.services.jobs.runDue();
      }
      // One success in between, so five days of failures do not disable the endpoint.
      healthy = true;
      await api.createTestimonial({ text: `Delivered ${i}` });
      await t.services.jobs.runDue();
      healthy = false;
    }
    const failed = await api.deliveries(endpoint.id, '?status=failed');
    expect(failed).toHaveLength(5);

    healthy = true;
    const before = receiver.received.length;
    const url = `/v1/webhook-endpoints/${endpoint.id}/recover`;
    const recovery = await api.expectJson(202, 'POST', url, { since: createdAt[1] });
    expect(recovery).toEqual({
      object: 'webhook_recovery',
      endpoint_id: endpoint.id,
      since: createdAt[1],
      queued: MAX_PENDING,
      not_queued: 1,
    });
    await t.services.jobs.runDue();
    const resent = receiver.received.slice(before).map((r) => r.headers['webhook-id']);
    const oldestFirst = [...failed].reverse().map((d) => d.event_id);
    expect(resent).toEqual(oldestFirst.slice(1, 1 + MAX_PENDING));

    const rest = await api.expectJson(202, 'POST', url, { since: createdAt[1] });
    expect(rest).toMatchObject({ queued: 1, not_queued: 0 });
    await t.services.jobs.runDue();
    expect(receiver.received.slice(before).map((r) => r.headers['webhook-id'])).toEqual(
      oldestFirst.slice(1),
    );
    const none = await api.expectJson(202, 'POST', url, { since: createdAt[0] });
    expect(none).toMatchObject({ queued: 1, not_queued: 0 });

    const bad = await api.expectJson(422, 'POST', url, { since: 'yesterday' });
    expect(bad.code).toBe('validation_failed');
    await receiver.close();
  });
});
