import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRY_SCHEDULE_MS } from '../src/webhooks/retry-policy.js';
import { registerDeliveryJob } from '../src/webhooks/worker.js';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from './support/harness.js';
import { webhookApi } from './support/webhook-api.js';
import { closedPort, startReceiver, waitFor } from './support/webhook-receiver.js';

/**
 * Fault tests with real HTTP receivers on 127.0.0.1: a receiver that is down and comes
 * back, a slow receiver beside a fast one, and every refused address form through the API.
 */
const dialects = await testDialects();

describe.each(dialects)('a receiver down, then up (%s)', (dialect) => {
  let t: TestContext;
  const clock = new ManualClock();

  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
    registerDeliveryJob(t.services, { jitter: (ms) => ms });
  });
  afterAll(async () => {
    await t.close();
  });

  it('delivers everything once it is back, and nothing twice after a success', async () => {
    const port = await closedPort();
    const { apiKey } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    const endpoint = await api.createEndpoint({
      url: `http://127.0.0.1:${port}/hook`,
      events: ['testimonial.*'],
    });
    const EVENTS = 20;
    for (let i = 0; i < EVENTS; i++) await api.createTestimonial({ text: `Number ${i}` });

    // Down for the first three attempts (now, +5 s, +5 min).
    await t.services.jobs.runDue();
    clock.advance(RETRY_SCHEDULE_MS[0]!);
    await t.services.jobs.runDue();
    clock.advance(RETRY_SCHEDULE_MS[1]!);
    await t.services.jobs.runDue();
    const receiver = await startReceiver(undefined, port);

    clock.advance(RETRY_SCHEDULE_MS[2]! - 1);
    await t.services.jobs.runDue();
    expect(receiver.received).toHaveLength(0);
    clock.advance(1);
    await t.services.jobs.runDue();
    expect(receiver.deliveredIds().size).toBe(EVENTS);

    // The rest of the schedule passes: nothing is sent again.
    for (const delayMs of RETRY_SCHEDULE_MS.slice(3)) {
      clock.advance(delayMs);
      await t.services.jobs.runDue();
    }
    expect(receiver.received).toHaveLength(EVENTS);
    expect(receiver.duplicatesAfterSuccess()).toEqual([]);
    const log = await api.deliveries(endpoint.id);
    expect(log.map((d) => [d.status, d.attempt_count])).toEqual(
      Array(EVENTS).fill(['succeeded', 4]),
    );
    const events = await api.events('testimonial.created');
    expect(receiver.deliveredIds()).toEqual(new Set(events.map((e) => e.id)));
    await receiver.close();
  });
});

describe.each(dialects)('a slow endpoint beside a fast one (%s)', (dialect) => {
  let t: TestContext;
  const ENDPOINT_CONCURRENCY = 4;

  beforeAll(async () => {
    t = await createTestContext(dialect, {
      startWorker: true,
      env: { WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY), JOB_CONCURRENCY: '16' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it(
    'finishes every fast delivery while the slow endpoint holds only its own slots',
    {
      timeout: 90_000,
    },
    async () => {
      // The slow receiver answers each request after 10 s, or as soon as it is released.
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const slow = await startReceiver(async (_r, res) => {
        await Promise.race([released, sleep(10_000)]);
        res.end('slow ok');
      });
      const fast = await startReceiver();
      const { apiKey } = await t.createWorkspace();
      const api = webhookApi(t, apiKey);
      await api.createEndpoint({ url: slow.url(), events: ['testimonial.created'] });
      const fastEndpoint = await api.createEndpoint({
        url: fast.url(),
        events: ['testimonial.created'],
      });

      const EVENTS = 50;
      for (let i = 0; i < EVENTS; i++) await api.createTestimonial({ text: `Number ${i}` });
      expect(await waitFor(() => fast.deliveredIds().size === EVENTS, 60_000)).toBe(true);

      // Every fast delivery is done, first time, while the slow one has answered nothing
      // and holds exactly its cap of attempts: it never took the fast one's slots.
      expect(slow.received.filter((r) => r.status !== undefined)).toEqual([]);
      expect(slow.inFlight()).toBe(ENDPOINT_CONCURRENCY);
      // The receiver answered; recording each answer follows a moment later.
      const recorded = async () =>
        (await api.deliveries(fastEndpoint.id)).filter((d) => d.status === 'succeeded');
      expect(await waitFor(async () => (await recorded()).length === EVENTS, 30_000)).toBe(true);
      expect((await recorded()).every((d) => d.attempt_count === 1)).toBe(true);

      release();
      expect(await waitFor(() => slow.deliveredIds().size === EVENTS, 60_000)).toBe(true);
      expect(slow.peakInFlight()).toBe(ENDPOINT_CONCURRENCY);
      expect(fast.duplicatesAfterSuccess()).toEqual([]);
      expect(slow.duplicatesAfterSuccess()).toEqual([]);
      await slow.close();
      await fast.close();
    },
  );
});

describe('every refused address form, through the API (WEBHOOKS_ALLOW_PRIVATE=false)', () => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext('sqlite', { env: { WEBHOOKS_ALLOW_PRIVATE: 'false' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const literalForms: [string, string][] = [
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://2130706433/hook', 'loopback'],
    ['http://0x7f.0.0.1/hook', 'loopback'],
    ['http://0177.0.0.1/hook', 'loopback'],
    ['http://127.1/hook', 'loopback'],
    ['http://[::1]/hook', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['http://[::ffff:7f00:1]/hook', 'loopback'],
    ['http://10.0.0.1/hook', 'private'],
    ['http://172.16.0.1/hook', 'private'],
    ['http://192.168.1.1/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'linkLocal'],
    ['http://[fe80::1]/hook', 'linkLocal'],
    ['http://100.64.0.1/hook', 'carrierGradeNat'],
    ['http://0.0.0.0/hook', 'unspecified'],
    ['http://[::]/hook', 'unspecified'],
    ['http://[fd00:ec2::254]/hook', 'uniqueLocal'],
    ['http://[::ffff:169.254.169.254]/hook', 'linkLocal'],
  ];

  it.each(literalForms)('refuses %s (%s) on create and on change', async (url, range) => {
    const api = webhookApi(t, t.apiKey);
    const created = await api.expectJson(422, 'POST', '/v1/webhook-endpoints', { url });
    expect(created.code).toBe('validation_failed');
    expect(created.errors).toEqual([
      { field: '/url', message: `must not point at a non-public address (${range})` },
    ]);
    const hook = await api.expectJson(422, 'POST', '/v1/hooks', {
      target_url: url,
      event: 'testimonial.created',
    });
    expect(hook.errors[0].field).toBe('/url');
  });

  it('refuses a hostname that resolves to loopback when it connects, sending nothing', async () => {
    const receiver = await startReceiver();
    const api = webhookApi(t, t.apiKey);
    const endpoint = await api.createEndpoint({
      url: `http://localhost:${receiver.port}/hook`,
      events: ['testimonial.created'],
    });
    const tested = await api.expectJson(200, 'POST', `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(tested).toMatchObject({ succeeded: false, status_code: null });
    expect(tested.error).toMatch(/^refused to connect to (127\.0\.0\.1|::1) \(loopback address\)$/);

    await api.createTestimonial();
    await t.services.jobs.runDue();
    const [delivery] = await api.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', attempt_count: 1 });
    expect(delivery!.last_error).toMatch(/loopback address/);
    expect(receiver.received).toEqual([]);

    const moved = await api.expectJson(422, 'PATCH', `/v1/webhook-endpoints/${endpoint.id}`, {
      url: 'http://[::ffff:10.0.0.1]/hook',
    });
    expect(moved.errors[0].message).toBe('must not point at a non-public address (private)');
    await receiver.close();
  });
});
