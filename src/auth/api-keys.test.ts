import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  ManualClock,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { createApiKey, hasValidChecksum } from './api-keys.js';
import { scopesBeyond } from './api-keys-service.js';

const dialects = await testDialects();

describe('scopesBeyond', () => {
  it('lets `*` grant anything and others only what they hold', () => {
    expect(scopesBeyond(['*'], ['*', 'forms:write'])).toEqual([]);
    expect(scopesBeyond(['forms:read', 'api_keys:write'], ['forms:read'])).toEqual([]);
    expect(scopesBeyond(['forms:read'], ['forms:write', '*', 'forms:read'])).toEqual([
      'forms:write',
      '*',
    ]);
  });
});

describe.each(dialects)('/v1/api-keys (%s)', (dialect) => {
  const clock = new ManualClock(Date.parse('2026-05-04T10:00:00.000Z'));
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
  });
  afterAll(async () => t.close());

  const createKey = (payload: Record<string, unknown>, key = t.apiKey) =>
    t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: t.auth(key), payload });
  const listTestimonials = (key: string) =>
    t.app.inject({ url: '/v1/testimonials', headers: t.auth(key) });

  it('creates a key whose secret is shown once and works within its scopes', async () => {
    const res = await createKey({ name: 'CRM sync', scopes: ['testimonials:read'] });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      object: 'api_key',
      name: 'CRM sync',
      scopes: ['testimonials:read'],
      created_at: '2026-05-04T10:00:00.000Z',
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
    });
    expect(hasValidChecksum(created.secret)).toBe(true);
    expect(created.prefix).toBe(created.secret.slice(0, 12));
    expect(created.last_four).toBe(created.secret.slice(-4));

    expect((await listTestimonials(created.secret)).statusCode).toBe(200);
    const write = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(created.secret),
      payload: { author_name: 'No', text: 'not allowed' },
    });
    expect(write.statusCode).toBe(403);

    const one = await t.app.inject({ url: `/v1/api-keys/${created.id}`, headers: t.auth() });
    expect(one.statusCode).toBe(200);
    expect(one.json().last_used_at).toBe('2026-05-04T10:00:00.000Z');
    expect(one.body).not.toContain(created.secret);
    expect(one.json().secret).toBeUndefined();
  });

  it('lists keys newest first with only prefix and last four, never a secret or hash', async () => {
    const a = (await createKey({ name: 'list-a', scopes: ['forms:read'] })).json();
    const b = (await createKey({ name: 'list-b', scopes: ['forms:read'] })).json();
    const res = await t.app.inject({ url: '/v1/api-keys?limit=2', headers: t.auth() });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.has_more).toBe(true);
    expect(page.data.map((k: { id: string }) => k.id)).toEqual([b.id, a.id]);
    expect(Object.keys(page.data[0]).sort()).toEqual(
      [
        'created_at',
        'expires_at',
        'id',
        'last_four',
        'last_used_at',
        'name',
        'object',
        'prefix',
        'revoked_at',
        'scopes',
      ].sort(),
    );
    expect(res.body).not.toContain(a.secret);
    expect(res.body).not.toContain(b.secret);

    const next = await t.app.inject({
      url: `/v1/api-keys?limit=100&starting_after=${a.id}`,
      headers: t.auth(),
    });
    expect(next.json().data.map((k: { id: string }) => k.id)).not.toContain(a.id);
    expect(next.json().data.map((k: { name: string }) => k.name)).toContain(
      'Created on first start',
    );
  });

  it('refuses to grant scopes the acting key does not hold', async () => {
    const admin = (
      await createKey({ name: 'key admin', scopes: ['api_keys:write', 'testimonials:read'] })
    ).json();

    const broader = await createKey({ name: 'x', scopes: ['testimonials:write'] }, admin.secret);
    expect(broader.statusCode).toBe(403);
    expect(broader.json().code).toBe('forbidden');
    expect(broader.json().detail).toContain('testimonials:write');
    const everything = await createKey({ name: 'x', scopes: ['*'] }, admin.secret);
    expect(everything.statusCode).toBe(403);

    const same = await createKey({ name: 'reader', scopes: ['testimonials:read'] }, admin.secret);
    expect(same.statusCode).toBe(201);
    const allScopesKey = await createKey({ name: 'all', scopes: ['*'] });
    expect(allScopesKey.statusCode).toBe(201);
  });

  it('validates name, scopes and expiry', async () => {
    const unknown = await createKey({ name: 'x', scopes: ['everything'] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe('/scopes/0');
    expect((await createKey({ name: 'x', scopes: [] })).statusCode).toBe(422);
    expect((await createKey({ name: '', scopes: ['forms:read'] })).statusCode).toBe(422);
    const past = await createKey({
      name: 'x',
      scopes: ['forms:read'],
      expires_at: '2026-05-04T09:59:59.000Z',
    });
    expect(past.statusCode).toBe(422);
    expect(past.json().errors).toEqual([
      { field: '/expires_at', message: 'must be in the future' },
    ]);
  });

  it('refuses a key once it has expired', async () => {
    const res = await createKey({
      name: 'short-lived',
      scopes: ['testimonials:read'],
      expires_at: '2026-05-04T12:30:00+01:00',
    });
    expect(res.json().expires_at).toBe('2026-05-04T11:30:00.000Z');
    const future = await createKey({
      name: 'one-hour',
      scopes: ['testimonials:read'],
      expires_at: '2026-05-04T11:00:00.000Z',
    });
    const key = future.json();
    expect((await listTestimonials(key.secret)).statusCode).toBe(200);

    clock.set('2026-05-04T11:00:00.000Z');
    const refused = await listTestimonials(key.secret);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('unauthorized');
  });

  it('refuses an expired key created directly (the CLI path) too', async () => {
    const direct = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'd', ['*'], {
      expiresAt: new Date(clock.nowMs() + 1000).toISOString(),
    });
    expect((await listTestimonials(direct.secret)).statusCode).toBe(200);
    clock.advance(1000);
    expect((await listTestimonials(direct.secret)).statusCode).toBe(401);
  });

  it('revokes a key at once; revoking again keeps the first time; unknown ids are 404', async () => {
    const key = (await createKey({ name: 'to revoke', scopes: ['testimonials:read'] })).json();
    expect((await listTestimonials(key.secret)).statusCode).toBe(200);

    const revoke = () =>
      t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: t.auth() });
    const revoked = await revoke();
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).toBe(new Date(clock.nowMs()).toISOString());
    expect((await listTestimonials(key.secret)).statusCode).toBe(401);

    clock.advance(5000);
    expect((await revoke()).json().revoked_at).toBe(revoked.json().revoked_at);
    const missing = await t.app.inject({
      method: 'DELETE',
      url: '/v1/api-keys/key_00000000000000000000000000',
      headers: t.auth(),
    });
    expect(missing.statusCode).toBe(404);
  });

  it("cannot see or revoke another workspace's keys", async () => {
    const other = await t.createWorkspace();
    const mine = (await createKey({ name: 'mine', scopes: ['forms:read'] })).json();
    const get = await t.app.inject({
      url: `/v1/api-keys/${mine.id}`,
      headers: t.auth(other.apiKey),
    });
    expect(get.statusCode).toBe(404);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${mine.id}`,
      headers: t.auth(other.apiKey),
    });
    expect(del.statusCode).toBe(404);
    expect((await listTestimonials(mine.secret)).statusCode).toBe(403);
  });
});
