import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { createApiKey } from '../auth/api-keys.js';
import { EVENT_TYPES } from './event-types.js';

const dialects = await testDialects();

describe.each(dialects)('webhook endpoints API (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  async function create(body: Record<string, unknown>, key?: string) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: t.auth(key),
      payload: body,
    });
  }

  async function keyWith(scopes: string[]) {
    const key = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'k', scopes);
    return key.secret;
  }

  it('creates an endpoint and returns its secret only then', async () => {
    const res = await create({ url: 'https://hooks.example.com/in', description: 'CRM' });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      url: 'https://hooks.example.com/in',
      description: 'CRM',
      events: ['*'],
      enabled: true,
    });
    expect(created.id).toMatch(/^whe_[0-9a-z]{26}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);

    const got = await t.app.inject({
      url: `/v1/webhook-endpoints/${created.id}`,
      headers: t.auth(),
    });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
    const listed = await t.app.inject({ url: '/v1/webhook-endpoints', headers: t.auth() });
    expect(listed.body).not.toContain(created.secret);

    const row = await t.services.db.kysely
      .selectFrom('webhook_endpoints')
      .select('secret_encrypted')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).not.toContain(created.secret.slice(6));
    expect(t.services.secrets.decrypt(row.secret_encrypted)).toBe(created.secret);
    expect(t.logs.join('\n')).not.toContain(created.secret.slice(6));
  });

  it('accepts exact types and wildcards, and names each unknown type', async () => {
    const ok = await create({
      url: 'https://hooks.example.com/a',
      events: ['testimonial.approved', 'testimonial.*', '*'],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().events).toEqual(['testimonial.approved', 'testimonial.*', '*']);

    const bad = await create({
      url: 'https://hooks.example.com/a',
      events: ['testimonial.approved', 'testimonial.published', 'widget.*', 'testimonial'],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('validation_failed');
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual([
      '/events/1',
      '/events/2',
      '/events/3',
    ]);

    const empty = await create({ url: 'https://hooks.example.com/a', events: [] });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().errors[0].field).toBe('/events');
  });

  it('keeps a catalogue of the event types it can send', () => {
    expect(Object.keys(EVENT_TYPES)).toEqual([
      'testimonial.created',
      'testimonial.updated',
      'testimonial.approved',
      'testimonial.rejected',
      'testimonial.deleted',
      'testimonial.consent_revoked',
      'webhook_endpoint.disabled',
    ]);
  });

  it('refuses bad URLs with a 422 on /url', async () => {
    for (const url of ['ftp://x.example/', 'nope', 'https://a:b@hooks.example.com/']) {
      const res = await create({ url });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0].field).toBe('/url');
    }
    const unknown = await create({ url: 'https://hooks.example.com/', colour: 'red' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe('/colour');
  });

  it('updates url, events, description and enabled', async () => {
    const { id } = (await create({ url: 'https://hooks.example.com/old' })).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhook-endpoints/${id}`,
      headers: t.auth(),
      payload: {
        url: 'https://hooks.example.com/new',
        events: ['testimonial.deleted'],
        description: 'moved',
        enabled: false,
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      url: 'https://hooks.example.com/new',
      events: ['testimonial.deleted'],
      description: 'moved',
      enabled: false,
    });
    expect(res.json()).not.toHaveProperty('secret');

    const badType = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhook-endpoints/${id}`,
      headers: t.auth(),
      payload: { events: ['nope.*'] },
    });
    expect(badType.statusCode).toBe(422);
    expect(badType.json().errors[0].field).toBe('/events/0');
    const empty = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhook-endpoints/${id}`,
      headers: t.auth(),
      payload: {},
    });
    expect(empty.statusCode).toBe(422);
  });

  it('deletes an endpoint', async () => {
    const { id } = (await create({ url: 'https://hooks.example.com/bye' })).json();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/v1/webhook-endpoints/${id}`,
      headers: t.auth(),
    });
    expect(del.statusCode).toBe(200);
    expect(del.json().id).toBe(id);
    const gone = await t.app.inject({ url: `/v1/webhook-endpoints/${id}`, headers: t.auth() });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not_found');
  });

  it('paginates newest first without skipping or repeating', async () => {
    const other = await t.createWorkspace('Paging');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create({ url: `https://hooks.example.com/${i}` }, other.apiKey)).json().id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = `limit=2${after ? `&starting_after=${after}` : ''}`;
      const res = await t.app.inject({
        url: `/v1/webhook-endpoints?${query}`,
        headers: t.auth(other.apiKey),
      });
      const body = res.json();
      seen.push(...body.data.map((d: { id: string }) => d.id));
      if (!body.has_more) break;
      after = body.data.at(-1).id;
    }
    expect(seen).toEqual([...ids].reverse());

    const badCursor = await t.app.inject({
      url: `/v1/webhook-endpoints?starting_after=whe_nope`,
      headers: t.auth(other.apiKey),
    });
    expect(badCursor.statusCode).toBe(422);
  });

  it("answers 404 for another workspace's endpoint on every route", async () => {
    const { id } = (await create({ url: 'https://hooks.example.com/mine' })).json();
    const other = await t.createWorkspace();
    const headers = t.auth(other.apiKey);
    const routes = [
      { method: 'GET' as const, url: `/v1/webhook-endpoints/${id}` },
      { method: 'PATCH' as const, url: `/v1/webhook-endpoints/${id}`, payload: { enabled: false } },
      { method: 'DELETE' as const, url: `/v1/webhook-endpoints/${id}` },
      { method: 'GET' as const, url: `/v1/webhook-endpoints/${id}/deliveries` },
    ];
    for (const route of routes) {
      const res = await t.app.inject({ ...route, headers });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
    const list = await t.app.inject({ url: '/v1/webhook-endpoints', headers });
    expect(list.json().data.map((d: { id: string }) => d.id)).not.toContain(id);
    const still = await t.app.inject({ url: `/v1/webhook-endpoints/${id}`, headers: t.auth() });
    expect(still.json().enabled).toBe(true);
  });

  it('needs webhooks:read to read and webhooks:write to change', async () => {
    const readOnly = await keyWith(['webhooks:read']);
    const noWebhooks = await keyWith(['testimonials:read']);
    const listed = await t.app.inject({ url: '/v1/webhook-endpoints', headers: t.auth(readOnly) });
    expect(listed.statusCode).toBe(200);
    const denied = await create({ url: 'https://hooks.example.com/x' }, readOnly);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('forbidden');
    const noRead = await t.app.inject({
      url: '/v1/webhook-endpoints',
      headers: t.auth(noWebhooks),
    });
    expect(noRead.statusCode).toBe(403);
    const anonymous = await t.app.inject({ url: '/v1/webhook-endpoints' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('describes endpoints and deliveries in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/webhook-endpoints',
        '/v1/webhook-endpoints/{id}',
        '/v1/webhook-endpoints/{id}/deliveries',
      ]),
    );
    expect(doc.components.schemas).toHaveProperty('WebhookEndpoint');
    expect(doc.components.schemas).toHaveProperty('CreatedWebhookEndpoint');
    expect(doc.components.schemas.WebhookDelivery.properties).toHaveProperty('attempts');
  });
});

describe('webhook endpoint URL policy without the test allowances', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext('sqlite', {
      env: { WEBHOOKS_ALLOW_HTTP: 'false', WEBHOOKS_ALLOW_PRIVATE: 'false' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['http://hooks.example.com/', 'must use https:'],
    ['https://2130706433/', 'must not point at a non-public address (loopback)'],
    ['https://0x7f.1/', 'must not point at a non-public address (loopback)'],
    ['https://[::ffff:127.0.0.1]/', 'must not point at a non-public address (loopback)'],
    ['https://[::1]/', 'must not point at a non-public address (loopback)'],
    ['https://169.254.169.254/', 'must not point at a non-public address (linkLocal)'],
    ['https://100.64.0.1/', 'must not point at a non-public address (carrierGradeNat)'],
    ['https://0.0.0.0/', 'must not point at a non-public address (unspecified)'],
  ])('refuses %s', async (url, message) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: t.auth(),
      payload: { url },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ field: '/url', message }]);
  });

  it('refuses a private address on update too', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: t.auth(),
      payload: { url: 'https://hooks.example.com/' },
    });
    expect(created.statusCode).toBe(201);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhook-endpoints/${created.json().id}`,
      headers: t.auth(),
      payload: { url: 'https://10.0.0.1/' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toEqual({
      field: '/url',
      message: 'must not point at a non-public address (private)',
    });
  });
});
