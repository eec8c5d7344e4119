import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { webhookApi } from '../../test/support/webhook-api.js';
import { createUser } from '../accounts/create-user.js';
import { DISABLED_NOTICE_KIND } from './disabled-notice.js';
import { closedPort, startReceiver, type Receiver } from '../../test/support/webhook-receiver.js';
import {
  DISABLE_AFTER_FAILING_MS,
  ENDPOINT_DISABLED_EVENT,
  GONE_STATUS,
} from './endpoint-health.js';
import { JITTER_RATIO, MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from './retry-policy.js';
import { registerDeliveryJob } from './worker.js';

interface DeliveryLogEntry {
  attempt_count: number;
  status: string;
  last_error: string | null;
  attempts: { created_at: string }[];
}

const dialects = await testDialects();
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe.each(dialects)('endpoint health: 410 and automatic disabling (%s)', (dialect) => {
  let t: TestContext;
  const clock = new ManualClock();
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
    registerDeliveryJob(t.services, { jitter: (ms) => ms });
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
    await t.close();
  });

  /** Answers `status`; with `together`, holds each answer until that many requests arrived. */
  async function receiver(status: number, together = 1) {
    let arrived = 0;
    let allHere: () => void = () => {};
    const gate = new Promise<void>((resolve) => (allHere = resolve));
    const started = await startReceiver(async (_r, res) => {
      if (++arrived >= together) allHere();
      await gate;
      res.writeHead(status).end();
    });
    receivers.push(started);
    return started;
  }

  /** A workspace with a failing endpoint and a healthy one that hears about disabling. */
  async function setUp(status: number, together = 1) {
    const failing = await receiver(status, together);
    const watcher = await receiver(200);
    const { apiKey } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    const endpoint = await api.createEndpoint({
      url: failing.url(),
      events: ['testimonial.created'],
    });
    await api.createEndpoint({ url: watcher.url(), events: [ENDPOINT_DISABLED_EVENT] });
    return { api, failing, watcher, endpoint };
  }

  it('disables an endpoint that answers 410 Gone, once, and tells the other endpoints', async () => {
    expect(GONE_STATUS).toBe(410);
    // Two attempts answered 410 at the same moment: the endpoint is disabled once.
    const { api, failing, watcher, endpoint } = await setUp(410, 2);
    await api.createTestimonial();
    await api.createTestimonial();
    await t.services.jobs.runDue();

    expect(failing.received).toHaveLength(2);
    expect(await api.endpoint(endpoint.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'gone',
    });
    const [disabled, ...more] = await api.events(ENDPOINT_DISABLED_EVENT);
    expect(more).toEqual([]);
    expect(disabled!.data).toMatchObject({
      id: endpoint.id,
      enabled: false,
      disabled_reason: 'gone',
    });
    expect(watcher.received).toHaveLength(1);
    expect(JSON.parse(watcher.received[0]!.raw.toString()).data.id).toBe(endpoint.id);
    const warning = t.logs
      .map((line) => JSON.parse(line))
      .find((l) => l.msg === 'webhook endpoint disabled' && l.endpointId === endpoint.id);
    expect(warning).toMatchObject({ reason: 'gone' });

    // Disabled: its retries are parked and new events are not queued for it.
    await api.createTestimonial();
    clock.advance(RETRY_SCHEDULE_MS[0]!);
    await t.services.jobs.runDue();
    expect(failing.received).toHaveLength(2);
    const log = await api.deliveries(endpoint.id);
    expect(log.map((d) => [d.status, d.next_attempt_at])).toEqual([
      ['pending', null],
      ['pending', null],
    ]);
  });

  it(`disables after every attempt failed for DISABLE_AFTER_FAILING_MS (5 days), not before`, async () => {
    expect(DISABLE_AFTER_FAILING_MS).toBe(5 * DAY);
    const { api, failing, endpoint } = await setUp(500);
    const firstFailureMs = clock.nowMs();
    await api.createTestimonial();
    await t.services.jobs.runDue();

    clock.advance(DISABLE_AFTER_FAILING_MS - 1);
    await api.createTestimonial();
    await t.services.jobs.runDue();
    expect(await api.endpoint(endpoint.id)).toMatchObject({ enabled: true });

    clock.advance(1);
    await api.createTestimonial();
    await t.services.jobs.runDue();
    expect(await api.endpoint(endpoint.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'failing',
    });
    const disabled = await api.events(ENDPOINT_DISABLED_EVENT);
    expect(disabled).toHaveLength(1);
    expect(disabled[0]!.data.updated_at).toBe(
      new Date(firstFailureMs + DISABLE_AFTER_FAILING_MS).toISOString(),
    );
    // The first message's 5 s retry ran in between: four attempts, all failed.
    expect(failing.received).toHaveLength(4);
  });

  it('starts the failure window again after a success, and after re-enabling', async () => {
    let healthy = false;
    const flaky = await startReceiver((_r, res) => res.writeHead(healthy ? 200 : 500).end());
    receivers.push(flaky);
    const { apiKey } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    const endpoint = await api.createEndpoint({ url: flaky.url(), events: ['testimonial.*'] });
    const fail = async () => {
      healthy = false;
      await api.createTestimonial();
      await t.services.jobs.runDue();
    };

    await fail();
    clock.advance(4 * DAY);
    healthy = true;
    await api.createTestimonial();
    await t.services.jobs.runDue();
    clock.advance(HOUR);
    await fail();
    clock.advance(DISABLE_AFTER_FAILING_MS - HOUR);
    await fail();
    expect(await api.endpoint(endpoint.id)).toMatchObject({ enabled: true });

    clock.advance(HOUR);
    await fail();
    expect(await api.endpoint(endpoint.id)).toMatchObject({ enabled: false });

    await api.expectJson(200, 'PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { enabled: true });
    expect(await api.endpoint(endpoint.id)).toMatchObject({ enabled: true, disabled_reason: null });
    clock.advance(DAY);
    await fail();
    expect(await api.endpoint(endpoint.id)).toMatchObject({ enabled: true });
  });

  it('emails the workspace owners, and only them, when it disables an endpoint', async () => {
    const gone = await receiver(410);
    const { apiKey, workspaceId } = await t.createWorkspace();
    const password = 'correct horse battery staple 42';
    for (const [email, role] of [
      ['owner@example.com', 'owner'],
      ['second-owner@example.com', 'owner'],
      ['editor@example.com', 'editor'],
    ] as const) {
      await createUser(t.services, { email, password, workspaceId, role });
    }
    const api = webhookApi(t, apiKey);
    const endpoint = await api.createEndpoint({ url: gone.url(), events: ['testimonial.created'] });
    await api.createTestimonial();
    await t.services.jobs.runDue();

    const mail = await t.services.db.kysely
      .selectFrom('emails')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', DISABLED_NOTICE_KIND)
      .orderBy('to_address')
      .execute();
    expect(mail.map((m) => m.to_address)).toEqual([
      'owner@example.com',
      'second-owner@example.com',
    ]);
    expect(mail[0]!.subject).toBe(`Webhook endpoint disabled: ${gone.url()}`);
    expect(mail[0]!.text_body).toContain('it answered 410 Gone');
    expect(mail[0]!.text_body).toContain(`/v1/webhook-endpoints/${endpoint.id}/recover`);
  });

  it('records a manual disable as such, without an event', async () => {
    const { api, endpoint } = await setUp(200);
    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    const off = await api.expectJson(200, 'PATCH', url, { enabled: false });
    expect(off).toMatchObject({ enabled: false, disabled_reason: 'manual' });
    expect(await api.events(ENDPOINT_DISABLED_EVENT)).toEqual([]);
  });
});

/**
 * C02 in full: an endpoint that answers 503 (and, separately, refuses connections) while
 * testimonials keep coming. Jitter is real here (±20 %), the queue cap is small.
 */
describe.each(dialects)('C02: a dead endpoint for days (%s)', (dialect) => {
  let t: TestContext;
  const clock = new ManualClock();
  const MAX_PENDING = 40;

  beforeAll(async () => {
    t = await createTestContext(dialect, {
      clock,
      env: { WEBHOOK_MAX_PENDING_PER_ENDPOINT: String(MAX_PENDING) },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const cases = [
    { name: 'answers 503', testimonials: 200 },
    { name: 'refuses connections', testimonials: 100 },
  ];

  it.each(cases)(
    '$name: growing delays, an attempt cap, a bounded queue, then disabled',
    async ({ name, testimonials }) => {
      const dead =
        name === 'answers 503'
          ? await startReceiver((_r, res) => res.writeHead(503).end())
          : undefined;
      const url = dead ? dead.url() : `http://127.0.0.1:${await closedPort()}/hook`;
      const { apiKey } = await t.createWorkspace();
      const api = webhookApi(t, apiKey);
      const endpoint = await api.createEndpoint({ url, events: ['testimonial.created'] });
      const startMs = clock.nowMs();

      // Two days of new testimonials, evenly spread, with the worker running all along.
      const stepMs = (2 * DAY) / testimonials;
      for (let i = 0; i < testimonials; i++) {
        await api.createTestimonial({ text: `Number ${i}` });
        await t.services.jobs.runDue();
        clock.advance(stepMs);
      }
      // Three more days, a testimonial every 6 hours: the endpoint is disabled on the 5th.
      let more = 0;
      while (clock.nowMs() < startMs + DISABLE_AFTER_FAILING_MS + 6 * HOUR) {
        if ((clock.nowMs() - startMs) % (6 * HOUR) < HOUR) {
          await api.createTestimonial();
          more += 1;
        }
        await t.services.jobs.runDue();
        clock.advance(HOUR);
      }

      const log: DeliveryLogEntry[] = [];
      for (let query = '?limit=100'; ;) {
        const page = await api.expectJson(
          200,
          'GET',
          `/v1/webhook-endpoints/${endpoint.id}/deliveries${query}`,
        );
        log.push(...page.data);
        if (!page.has_more) break;
        query = `?limit=100&starting_after=${page.data.at(-1).id}`;
      }
      expect(log).toHaveLength(testimonials + more);

      for (const delivery of log.filter((d) => d.attempt_count > 1)) {
        const times = delivery.attempts.map((a: { created_at: string }) =>
          Date.parse(a.created_at),
        );
        times.slice(1).forEach((ms: number, i: number) => {
          const gap = ms - times[i]!;
          expect(gap).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[i]! * (1 - JITTER_RATIO));
          expect(gap).toBeLessThanOrEqual(RETRY_SCHEDULE_MS[i]! * (1 + JITTER_RATIO) + HOUR);
        });
        expect(delivery.attempt_count).toBeLessThanOrEqual(MAX_ATTEMPTS);
      }
      const byStatus = (status: string) => log.filter((d) => d.status === status);
      const refused = byStatus('failed').filter((d) => d.attempt_count === 0);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]!.last_error).toMatch(/already has 40 pending deliveries/);
      expect(
        byStatus('failed').filter((d) => d.attempt_count === MAX_ATTEMPTS).length,
      ).toBeGreaterThan(0);
      expect(byStatus('succeeded')).toEqual([]);

      expect(await api.endpoint(endpoint.id)).toMatchObject({
        enabled: false,
        disabled_reason: 'failing',
      });
      expect(await api.events(ENDPOINT_DISABLED_EVENT)).toHaveLength(1);

      // Nothing is sent while disabled, however long and whatever happens.
      const db = t.services.db.kysely;
      const countAttempts = async () =>
        (
          await db
            .selectFrom('webhook_attempts')
            .select('id')
            .where('endpoint_id', '=', endpoint.id)
            .execute()
        ).length;
      const sent = dead?.received.length;
      const attempts = await countAttempts();
      expect(attempts).toBe(log.reduce((n, d) => n + d.attempt_count, 0));
      for (let i = 0; i < 5; i++) {
        await api.createTestimonial();
        clock.advance(10 * HOUR);
        await t.services.jobs.runDue();
      }
      if (dead) expect(dead.received).toHaveLength(sent!);
      const pending = await api.deliveries(endpoint.id, '?limit=100&status=pending');
      expect(pending.length).toBeLessThanOrEqual(MAX_PENDING);
      expect(pending.every((d) => d.next_attempt_at === null)).toBe(true);
      expect(await countAttempts()).toBe(attempts);
      await dead?.close();
    },
    120_000,
  );
});
