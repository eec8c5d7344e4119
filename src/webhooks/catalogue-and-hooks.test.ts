// Fastify's own JSON Schema validator, used here as any consumer of the catalogue would.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { webhookApi } from '../../test/support/webhook-api.js';
import { startReceiver, type Receiver } from '../../test/support/webhook-receiver.js';
import { createApiKey } from '../auth/api-keys.js';
import { encodeWebhookBody } from './deliver.js';
import { EVENT_CATALOGUE, type EventType } from './event-types.js';
import { MAX_PAYLOAD_BYTES } from './delivery-limits.js';
import { registerDeliveryJob } from './worker.js';

const dialects = await testDialects();

describe.each(dialects)('event types, REST hooks and the payload limit (%s)', (dialect) => {
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

  async function receiver(status = () => 200) {
    const started = await startReceiver((_r, res) => res.writeHead(status()).end());
    receivers.push(started);
    return started;
  }

  it('lists every event type with a JSON schema its example satisfies', async () => {
    const api = webhookApi(t, t.apiKey);
    const page = await api.expectJson(200, 'GET', '/v1/event-types');
    expect(page).toMatchObject({ object: 'list', has_more: false });
    expect(page.data.map((e: { type: string }) => e.type)).toEqual(Object.keys(EVENT_CATALOGUE));

    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const entry of page.data) {
      expect(entry).toEqual({
        object: 'event_type',
        type: entry.type,
        description: EVENT_CATALOGUE[entry.type as EventType].description,
        schema: expect.objectContaining({ type: 'object', properties: expect.any(Object) }),
        example: { type: entry.type, timestamp: expect.any(String), data: expect.any(Object) },
      });
      expect(entry.schema).not.toHaveProperty('$id');
      // The published schema (plain JSON) accepts the published example.
      const validate = ajv.compile(entry.schema);
      expect([entry.type, validate(entry.example.data), validate.errors ?? null]).toEqual([
        entry.type,
        true,
        null,
      ]);
      expect(validate({ ...entry.example.data, id: 42 })).toBe(false);
    }

    const narrow = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'n', [
      'testimonials:read',
    ]);
    const denied = await webhookApi(t, narrow.secret).expectJson(403, 'GET', '/v1/event-types');
    expect(denied.code).toBe('forbidden');
  });

  it('describes each outgoing event in the OpenAPI 3.1 webhooks section', async () => {
    const doc = (await t.app.inject({ url: '/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.webhooks)).toEqual(Object.keys(EVENT_CATALOGUE));
    const created = doc.webhooks['testimonial.created'].post;
    const body = created.requestBody.content['application/json'];
    expect(body.schema.properties.type).toEqual({ const: 'testimonial.created' });
    expect(body.schema.required).toEqual(['type', 'timestamp', 'data']);
    expect(created.parameters.map((p: { name: string }) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    expect(Object.keys(created.responses).sort()).toEqual(['2XX', '410']);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/event-types',
        '/v1/hooks',
        '/v1/hooks/{id}',
        '/v1/events/{id}/deliveries',
        '/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/retry',
        '/v1/webhook-endpoints/{id}/recover',
        '/v1/webhook-endpoints/{id}/test',
        '/v1/webhook-endpoints/{id}/rotate-secret',
      ]),
    );
  });

  it('subscribes and unsubscribes REST hooks, and a 410 from the target unsubscribes', async () => {
    let gone = false;
    const target = await receiver(() => (gone ? 410 : 200));
    const { apiKey } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    const hook = await api.expectJson(201, 'POST', '/v1/hooks', {
      target_url: target.url('/zap'),
      event: 'testimonial.approved',
    });
    expect(hook).toEqual({
      id: expect.stringMatching(/^whe_/),
      object: 'hook',
      target_url: target.url('/zap'),
      event: 'testimonial.approved',
      secret: expect.stringMatching(/^whsec_/),
      created_at: new Date(clock.nowMs()).toISOString(),
    });
    expect(await api.endpoint(hook.id)).toMatchObject({
      kind: 'hook',
      events: ['testimonial.approved'],
    });

    const { id } = await api.createTestimonial();
    await api.expectJson(200, 'PATCH', `/v1/testimonials/${id}`, { status: 'approved' });
    await t.services.jobs.runDue();
    expect(target.received.map((r) => JSON.parse(r.raw.toString()).type)).toEqual([
      'testimonial.approved',
    ]);
    // The sample list a Zap shows while it is set up.
    const sample = await api.expectJson(200, 'GET', '/v1/testimonials?limit=3');
    expect(sample.data).toHaveLength(1);

    gone = true;
    const second = await api.createTestimonial();
    await api.expectJson(200, 'PATCH', `/v1/testimonials/${second.id}`, { status: 'approved' });
    await t.services.jobs.runDue();
    expect(target.received).toHaveLength(2);
    expect((await api.call('GET', `/v1/webhook-endpoints/${hook.id}`)).statusCode).toBe(404);
    expect(await api.events('webhook_endpoint.disabled')).toEqual([]);

    const another = await api.expectJson(201, 'POST', '/v1/hooks', {
      target_url: target.url('/n8n'),
      event: 'testimonial.*',
    });
    const removed = await api.expectJson(200, 'DELETE', `/v1/hooks/${another.id}`);
    expect(removed).toMatchObject({ id: another.id, object: 'hook', event: 'testimonial.*' });
    expect(removed).not.toHaveProperty('secret');
    expect((await api.expectJson(404, 'DELETE', `/v1/hooks/${another.id}`)).code).toBe('not_found');
    const plain = await api.createEndpoint({ url: target.url('/plain') });
    await api.expectJson(404, 'DELETE', `/v1/hooks/${plain.id}`);
    const bad = await api.expectJson(422, 'POST', '/v1/hooks', {
      target_url: target.url(),
      event: 'nothing.real',
    });
    expect(bad.errors).toEqual([
      { field: '/events/0', message: '"nothing.real" is not a known event type or wildcard' },
    ]);
  });

  it(`refuses at the source an event whose body exceeds MAX_PAYLOAD_BYTES (256 KiB)`, async () => {
    expect(MAX_PAYLOAD_BYTES).toBe(262_144);
    const target = await receiver();
    const { apiKey, workspaceId } = await t.createWorkspace();
    const api = webhookApi(t, apiKey);
    const endpoint = await api.createEndpoint({ url: target.url(), events: ['testimonial.*'] });
    const createdAt = new Date(clock.nowMs()).toISOString();
    const overhead = encodeWebhookBody('testimonial.created', createdAt, { blob: '' }).length;
    const record = (blob: string) =>
      t.services.transaction((trx) =>
        t.services.outbox.record(trx, workspaceId, 'testimonial.created', { blob }),
      );

    const fits = await record('x'.repeat(MAX_PAYLOAD_BYTES - overhead));
    const tooBig = await record('x'.repeat(MAX_PAYLOAD_BYTES - overhead + 1));
    await t.services.jobs.runDue();

    expect(target.received.map((r) => [r.headers['webhook-id'], r.raw.length])).toEqual([
      [fits.id, MAX_PAYLOAD_BYTES],
    ]);
    const log = await api.deliveries(endpoint.id);
    const refused = log.find((d) => d.event_id === tooBig.id)!;
    expect(refused).toMatchObject({
      status: 'failed',
      attempt_count: 0,
      next_attempt_at: null,
      last_error: `payload is ${MAX_PAYLOAD_BYTES + 1} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit`,
    });
    const warning = t.logs
      .map((line) => JSON.parse(line))
      .find((l) => l.msg === 'webhook delivery refused' && l.eventId === tooBig.id);
    expect(warning).toMatchObject({ endpointId: endpoint.id });

    // Queued again by hand, it is refused again at send time, not sent.
    const retry = `/v1/webhook-endpoints/${endpoint.id}/deliveries/${refused.id}/retry`;
    await api.expectJson(202, 'POST', retry);
    await t.services.jobs.runDue();
    expect(target.received).toHaveLength(1);
    expect((await api.deliveries(endpoint.id)).find((d) => d.id === refused.id)).toMatchObject({
      status: 'failed',
      attempt_count: 0,
      last_error: refused.last_error,
    });
  });
});
