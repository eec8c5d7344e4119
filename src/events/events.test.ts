import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { createApiKey } from '../auth/api-keys.js';

const dialects = await testDialects();

describe.each(dialects)('events API (%s)', (dialect) => {
  let t: TestContext;
  const clock = new ManualClock();
  let key: string;
  let workspaceId: string;
  const testimonialIds: string[] = [];

  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
    ({ apiKey: key, workspaceId } = await t.createWorkspace('Events'));
    // A second apart, so creation order is also id order.
    for (const name of ['Ada', 'Bo', 'Cy']) {
      clock.advance(1_000);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/testimonials',
        headers: t.auth(key),
        payload: { text: `From ${name}`, author_name: name },
      });
      testimonialIds.push(res.json().id);
    }
    clock.advance(1_000);
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/testimonials/${testimonialIds[0]}`,
      headers: t.auth(key),
      payload: { status: 'approved' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  async function get(url: string, apiKey = key) {
    return t.app.inject({ url, headers: t.auth(apiKey) });
  }

  it('lists events newest first with their data', async () => {
    const res = await get('/v1/events');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'list', has_more: false });
    const types = body.data.map((e: { type: string }) => e.type);
    // The approval writes two events in the same millisecond; their mutual order is free.
    expect(types.slice(0, 2).sort()).toEqual(['testimonial.approved', 'testimonial.updated']);
    expect(types.slice(2)).toEqual(Array(3).fill('testimonial.created'));
    const created = body.data[2];
    expect(created).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-z]{26}$/),
      object: 'event',
      type: 'testimonial.created',
      data: expect.objectContaining({ id: testimonialIds[2], author_name: 'Cy' }),
      created_at: new Date(Date.parse('2026-01-15T12:00:03.000Z')).toISOString(),
    });
  });

  it('filters by type and pages with starting_after', async () => {
    const created = (await get('/v1/events?type=testimonial.created')).json();
    expect(created.data.map((e: { data: { id: string } }) => e.data.id)).toEqual(
      [...testimonialIds].reverse(),
    );

    const first = (await get('/v1/events?limit=2')).json();
    expect(first.has_more).toBe(true);
    const second = (await get(`/v1/events?limit=2&starting_after=${first.data[1].id}`)).json();
    const rest = (await get(`/v1/events?limit=2&starting_after=${second.data[1].id}`)).json();
    expect(rest.has_more).toBe(false);
    const paged = [...first.data, ...second.data, ...rest.data].map((e: { id: string }) => e.id);
    const all = (await get('/v1/events')).json().data.map((e: { id: string }) => e.id);
    expect(paged).toEqual(all);

    const none = (await get('/v1/events?type=testimonial.deleted')).json();
    expect(none.data).toEqual([]);
    const badCursor = await get('/v1/events?starting_after=evt_unknown');
    expect(badCursor.statusCode).toBe(422);
    expect(badCursor.json().code).toBe('validation_failed');
  });

  it('gets one event by id', async () => {
    const [latest] = (await get('/v1/events?limit=1')).json().data;
    const res = await get(`/v1/events/${latest.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(latest);
    const missing = await get('/v1/events/evt_00000000000000000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
  });

  it("keeps each workspace's events to itself", async () => {
    const [latest] = (await get('/v1/events?limit=1')).json().data;
    const other = await t.createWorkspace('Other');
    const res = await get(`/v1/events/${latest.id}`, other.apiKey);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_found');
    const list = (await get('/v1/events', other.apiKey)).json();
    expect(list.data).toEqual([]);
    const cursor = await get(`/v1/events?starting_after=${latest.id}`, other.apiKey);
    expect(cursor.statusCode).toBe(422);
  });

  it('needs the webhooks:read scope', async () => {
    const [latest] = (await get('/v1/events?limit=1')).json().data;
    const db = t.services.db.kysely;
    const narrow = await createApiKey(db, t.services, workspaceId, 'n', ['testimonials:read']);
    const denied = await get('/v1/events', narrow.secret);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('forbidden');
    const reader = await createApiKey(db, t.services, workspaceId, 'r', ['webhooks:read']);
    expect((await get(`/v1/events/${latest.id}`, reader.secret)).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/events' })).statusCode).toBe(401);
  });

  it('describes the event log in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/events/{id}']),
    );
    expect(doc.components.schemas.Event.required).toEqual(
      expect.arrayContaining(['id', 'object', 'type', 'data', 'created_at']),
    );
  });
});
