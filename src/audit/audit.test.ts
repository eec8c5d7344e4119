import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  ManualClock,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { createApiKey } from '../auth/api-keys.js';
import { listRoutes } from '../platform/http/app.js';
import { NOT_AUDITED, SELF_RECORDED, auditRuleFor } from './audit-trail.js';
import { actorOfCredential } from './service.js';

const dialects = await testDialects();

interface Entry {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string | null } | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

describe('audit rules', () => {
  const rule = (method: string, url: string, body?: unknown) =>
    auditRuleFor({ method, routeOptions: { url }, body } as never)?.action;

  it('names actions by resource and verb, and moderation by the status it sets', () => {
    expect(rule('POST', '/v1/forms')).toBe('form.created');
    expect(rule('PATCH', '/v1/widgets/:id')).toBe('widget.updated');
    expect(rule('DELETE', '/v1/webhook-endpoints/:id')).toBe('webhook_endpoint.deleted');
    expect(rule('POST', '/v1/webhook-endpoints/:id/rotate-secret')).toBe(
      'webhook_endpoint.rotate_secret',
    );
    expect(rule('PATCH', '/v1/testimonials/:id', { status: 'approved' })).toBe(
      'testimonial.moderated',
    );
    expect(rule('PATCH', '/v1/testimonials/:id', { text: 'x' })).toBe('testimonial.updated');
    expect(rule('DELETE', '/v1/testimonials/:id')).toBe('testimonial.deleted');
    expect(rule('POST', '/v1/testimonials')).toBeUndefined();
    expect(rule('POST', '/v1/api-keys')).toBeUndefined();
    expect(rule('GET', '/v1/forms')).toBeUndefined();
    expect(rule('POST', '/f/:slug')).toBeUndefined();
  });

  it('types actors by their id prefix', () => {
    expect(actorOfCredential('key_01abc')).toEqual({ type: 'api_key', id: 'key_01abc' });
    expect(actorOfCredential('oap_01abc')).toEqual({ type: 'oauth_app', id: 'oap_01abc' });
    expect(actorOfCredential('zzz_01abc')).toEqual({ type: 'credential', id: 'zzz_01abc' });
  });
});

describe.each(dialects)('audit log (%s)', (dialect) => {
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00.000Z'));
  let t: TestContext;
  let keyId: string;
  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
    const row = await t.services.db.kysely.selectFrom('api_keys').select('id').executeTakeFirst();
    keyId = row!.id;
  });
  afterAll(async () => t.close());

  async function entries(query = ''): Promise<Entry[]> {
    const res = await t.app.inject({ url: `/v1/audit-log?limit=100${query}`, headers: t.auth() });
    expect(res.statusCode).toBe(200);
    return res.json().data;
  }
  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: t.auth(), ...(payload ? { payload } : {}) });

  it('records the first use of a key once', async () => {
    for (let i = 0; i < 3; i++) await t.app.inject({ url: '/v1/forms', headers: t.auth() });
    const firstUses = await entries('&action=api_key.first_used');
    expect(firstUses).toHaveLength(1);
    expect(firstUses[0]).toMatchObject({
      actor: { type: 'api_key', id: keyId },
      target: { type: 'api_key', id: keyId },
    });
  });

  it('records form, widget and webhook endpoint changes with actor, target and request id', async () => {
    const form = await send('POST', '/v1/forms', { slug: 'audited', name: 'Audited' });
    const formId = form.json().id;
    await send('PATCH', `/v1/forms/${formId}`, { name: 'Renamed' });
    await send('DELETE', `/v1/forms/${formId}`);
    const widget = await send('POST', '/v1/widgets', { name: 'W', kind: 'grid' });
    const endpoint = await send('POST', '/v1/webhook-endpoints', {
      url: 'http://127.0.0.1:9/audit',
      events: ['*'],
    });
    expect([form.statusCode, widget.statusCode, endpoint.statusCode]).toEqual([201, 201, 201]);

    const log = await entries();
    const byAction = (action: string) => log.filter((e) => e.action === action);
    expect(byAction('form.created')[0]).toMatchObject({
      actor: { type: 'api_key', id: keyId },
      target: { type: 'form', id: formId },
      request_id: form.headers['request-id'],
    });
    expect(byAction('form.updated')[0]!.target).toEqual({ type: 'form', id: formId });
    expect(byAction('form.deleted')[0]!.target).toEqual({ type: 'form', id: formId });
    expect(byAction('widget.created')[0]!.target!.id).toBe(widget.json().id);
    expect(byAction('webhook_endpoint.created')[0]!.target!.id).toBe(endpoint.json().id);
    // The endpoint's signing secret was in the response, never in the log.
    const rows = await t.services.db.kysely.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(endpoint.json().secret);
  });

  it('records moderation with the new status, but not content created through the API', async () => {
    const created = await send('POST', '/v1/testimonials', { author_name: 'M', text: 'Nice' });
    const id = created.json().id;
    await send('PATCH', `/v1/testimonials/${id}`, { status: 'approved' });
    await send('DELETE', `/v1/testimonials/${id}`);

    const about = (await entries()).filter((e) => e.target?.id === id);
    expect(about.map((e) => [e.action, e.details])).toEqual([
      ['testimonial.deleted', {}],
      ['testimonial.moderated', { status: 'approved' }],
    ]);
  });

  it('does not record failed writes or replayed ones', async () => {
    const before = (await entries()).length;
    await send('PATCH', '/v1/forms/frm_00000000000000000000000000', { name: 'nope' });
    const headers = { ...t.auth(), 'idempotency-key': 'audit-replay' };
    const payload = { name: 'Once', kind: 'grid' };
    await t.app.inject({ method: 'POST', url: '/v1/widgets', headers, payload });
    const replay = await t.app.inject({ method: 'POST', url: '/v1/widgets', headers, payload });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await entries()).length).toBe(before + 1);
  });

  it('records key creation and revocation in the same transaction, without the secret', async () => {
    const created = await send('POST', '/v1/api-keys', { name: 'Zapier', scopes: ['forms:read'] });
    const key = created.json();
    await send('DELETE', `/v1/api-keys/${key.id}`);
    await send('DELETE', `/v1/api-keys/${key.id}`);

    const about = (await entries()).filter((e) => e.target?.id === key.id);
    expect(about.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
    expect(about[1]!.details).toEqual({ name: 'Zapier', scopes: ['forms:read'], expires_at: null });
    const rows = await t.services.db.kysely.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(key.secret);
  });

  it('records refused keys (revoked, expired, lacking a scope) at most once a minute each', async () => {
    const narrow = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'n', [
      'forms:read',
    ]);
    const narrowId = (
      await t.services.db.kysely
        .selectFrom('api_keys')
        .select('id')
        .where('name', '=', 'n')
        .executeTakeFirstOrThrow()
    ).id;
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ url: '/v1/widgets', headers: t.auth(narrow.secret) });
      expect(res.statusCode).toBe(403);
    }
    let refusals = await entries(`&action=api_key.refused&actor=${narrowId}`);
    expect(refusals.map((e) => e.details)).toEqual([
      { reason: 'missing_scope', scope: 'widgets:read' },
    ]);

    clock.advance(60_000);
    await t.services.db.kysely
      .updateTable('api_keys')
      .set({ revoked_at: new Date(clock.nowMs()).toISOString() })
      .where('id', '=', narrowId)
      .execute();
    const revoked = await t.app.inject({ url: '/v1/forms', headers: t.auth(narrow.secret) });
    expect(revoked.statusCode).toBe(401);
    refusals = await entries(`&action=api_key.refused&actor=${narrowId}`);
    expect(refusals.map((e) => e.details)).toEqual([
      { reason: 'revoked' },
      { reason: 'missing_scope', scope: 'widgets:read' },
    ]);
    expect(refusals[0]!.request_id).toBe(revoked.headers['request-id']);
  });

  it('filters by action and actor and pages with a cursor', async () => {
    const all = await entries();
    expect(all.length).toBeGreaterThan(3);
    const first = await t.app.inject({ url: '/v1/audit-log?limit=2', headers: t.auth() });
    expect(first.json().has_more).toBe(true);
    const [, second] = first.json().data;
    const rest = await t.app.inject({
      url: `/v1/audit-log?limit=100&starting_after=${second.id}`,
      headers: t.auth(),
    });
    expect(rest.json().data.map((e: Entry) => e.id)).toEqual(all.slice(2).map((e) => e.id));

    const mine = await entries(`&actor=${keyId}&action=form.created`);
    expect(mine.length).toBe(1);
    const bad = await t.app.inject({
      url: '/v1/audit-log?starting_after=aud_00000000000000000000000000',
      headers: t.auth(),
    });
    expect(bad.statusCode).toBe(422);
  });

  it('classifies every write route the app has: audited here, by its service, or on purpose not', () => {
    const writes = listRoutes(t.app).filter(
      (r) => r.url.startsWith('/v1/') && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method),
    );
    expect(writes.length).toBeGreaterThan(8);
    for (const route of writes) {
      const key = `${route.method} ${route.url}`;
      const rule = auditRuleFor({
        method: route.method,
        routeOptions: { url: route.url },
      } as never);
      const classified = Boolean(rule) || SELF_RECORDED.has(key) || NOT_AUDITED.has(key);
      expect([key, classified]).toEqual([key, true]);
    }
  });
});
