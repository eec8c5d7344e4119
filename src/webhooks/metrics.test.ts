import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { webhookApi } from '../../test/support/webhook-api.js';
import { closedPort, startReceiver } from '../../test/support/webhook-receiver.js';
import { parseConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { registerQueueGauges } from './metrics.js';
import { registerDeliveryJob } from './worker.js';

const dialects = await testDialects();
const TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one sample line (`name{labels} value`) in a Prometheus text body. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(dialects)('GET /metrics (%s)', (dialect) => {
  let t: TestContext;
  const clock = new ManualClock();

  beforeAll(async () => {
    t = await createTestContext(dialect, { clock, env: { METRICS_TOKEN: TOKEN } });
    registerDeliveryJob(t.services, { jitter: (ms) => ms });
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = (authorization?: string) =>
    t.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });

  it('demands the METRICS_TOKEN bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', TOKEN]) {
      const res = await scrape(authorization);
      expect([res.statusCode, res.json().code]).toEqual([401, 'unauthorized']);
    }
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('counts attempts and outcomes, times attempts, and reads depth and age from the database', async () => {
    const receiver = await startReceiver();
    const { apiKey } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    await api.createEndpoint({ url: receiver.url(), events: ['testimonial.created'] });
    const down = await api.createEndpoint({
      url: `http://127.0.0.1:${await closedPort()}/hook`,
      events: ['testimonial.created'],
    });
    const firstAt = clock.nowMs();
    for (let i = 0; i < 3; i++) {
      await api.createTestimonial();
      clock.advance(1_000);
    }
    await t.services.jobs.runDue();
    clock.advance(60_000);

    const body = (await scrape(`Bearer ${TOKEN}`)).body;
    expect(sample(body, 'showtrust_webhook_attempts_total{result="success"}')).toBe(3);
    expect(sample(body, 'showtrust_webhook_attempts_total{result="network_error"}')).toBe(3);
    expect(sample(body, 'showtrust_webhook_deliveries_total{outcome="succeeded"}')).toBe(3);
    expect(sample(body, 'showtrust_webhook_attempt_duration_seconds_count')).toBe(6);
    expect(sample(body, 'showtrust_webhook_attempt_duration_seconds_bucket{le="+Inf"}')).toBe(6);
    expect(body).toContain('# TYPE showtrust_webhook_attempt_duration_seconds histogram');
    expect(sample(body, 'showtrust_webhook_queue_depth')).toBe(3);
    expect(sample(body, 'showtrust_webhook_oldest_pending_age_seconds')).toBe(
      (clock.nowMs() - firstAt) / 1000,
    );
    // The three retries were due 5 s after their attempts, 55 s ago.
    expect(sample(body, 'showtrust_webhook_due_lag_seconds')).toBe(55);
    expect(sample(body, 'showtrust_webhook_parked_deliveries')).toBe(0);

    // Another process on the same database reports the same queue, not its own.
    const other = await createServices(
      parseConfig({
        SHOWTRUST_DATA_DIR: t.database.dataDir,
        ...(t.database.databaseUrl ? { DATABASE_URL: t.database.databaseUrl } : {}),
      }),
      { clock, log: createLogger('silent') },
    );
    try {
      registerQueueGauges(other);
      const seen = await other.metrics.render();
      expect(sample(seen, 'showtrust_webhook_queue_depth')).toBe(3);
      expect(sample(seen, 'showtrust_webhook_attempts_total{result="success"}')).toBeUndefined();
    } finally {
      await other.db.close();
    }

    await api.expectJson(200, 'PATCH', `/v1/webhook-endpoints/${down.id}`, { enabled: false });
    await t.services.jobs.runDue();
    clock.advance(10_000);
    await t.services.jobs.runDue();
    const parked = (await scrape(`Bearer ${TOKEN}`)).body;
    expect(sample(parked, 'showtrust_webhook_parked_deliveries')).toBe(3);
    expect(sample(parked, 'showtrust_webhook_queue_depth')).toBe(0);
    expect(sample(parked, 'showtrust_webhook_oldest_pending_age_seconds')).toBe(0);
    await receiver.close();
  });
});

describe('GET /metrics without a token', () => {
  it('is off unless METRICS_PUBLIC=true', async () => {
    const off = await createTestContext('sqlite');
    const res = await off.app.inject({ url: '/metrics' });
    expect([res.statusCode, res.json().code]).toEqual([404, 'not_found']);
    expect(res.json().detail).toMatch(/METRICS_TOKEN/);
    await off.close();

    const open = await createTestContext('sqlite', { env: { METRICS_PUBLIC: 'true' } });
    const scraped = await open.app.inject({ url: '/metrics' });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('# TYPE showtrust_webhook_queue_depth gauge');
    await open.close();
  });

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() => parseConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
