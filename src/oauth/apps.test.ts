import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';

const dialects = await testDialects();
const CALLBACK = 'https://crm.partner.example/oauth/callback';

describe.each(dialects)('/v1/oauth-apps (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => t?.close());

  async function create(payload: Record<string, unknown>) {
    return t.app.inject({ method: 'POST', url: '/v1/oauth-apps', headers: t.auth(), payload });
  }

  it('registers a confidential app: the secret once in the response, encrypted at rest', async () => {
    const res = await create({
      name: 'Partner CRM',
      redirect_uris: [CALLBACK],
      scopes: ['testimonials:read'],
    });
    expect(res.statusCode).toBe(201);
    const app = res.json();
    expect(app).toEqual({
      id: expect.stringMatching(/^oap_[0-9a-z]{26}$/),
      object: 'oauth_app',
      name: 'Partner CRM',
      client_id: app.id,
      client_type: 'confidential',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: ['testimonials:read'],
      client_secret: expect.stringMatching(/^stcs_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });

    const got = await t.app.inject({ url: `/v1/oauth-apps/${app.id}`, headers: t.auth() });
    expect(got.json()).not.toHaveProperty('client_secret');
    const list = await t.app.inject({ url: '/v1/oauth-apps', headers: t.auth() });
    expect(list.body).not.toContain(app.client_secret);
    const row = await t.services.db.kysely
      .selectFrom('oauth_apps')
      .selectAll()
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(app.client_secret);
    expect(t.services.secrets.decrypt(row.client_secret_encrypted!)).toBe(app.client_secret);
  });

  it('registers a public app without a secret and a server app without redirect URIs', async () => {
    const spa = await create({
      name: 'SPA',
      client_type: 'public',
      redirect_uris: ['http://127.0.0.1:8080/callback'],
      scopes: ['widgets:read'],
    });
    expect([spa.statusCode, spa.json().client_secret]).toEqual([201, null]);
    const server = await create({
      name: 'Sync',
      grant_types: ['client_credentials'],
      scopes: ['forms:read'],
    });
    expect([server.statusCode, server.json().redirect_uris]).toEqual([201, []]);
  });

  it('refuses redirect URIs that exact matching could not hold to, and inconsistent grants', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { redirect_uris: ['https://CRM.partner.example/cb'] },
        '/redirect_uris/0',
        'must be written in canonical form: https://crm.partner.example/cb',
      ],
      [
        { redirect_uris: ['https://crm.partner.example'] },
        '/redirect_uris/0',
        'must be written in canonical form: https://crm.partner.example/',
      ],
      [
        { redirect_uris: ['http://crm.partner.example/cb'] },
        '/redirect_uris/0',
        'must use https (http only on 127.0.0.1, [::1] or localhost)',
      ],
      [
        { redirect_uris: [CALLBACK, 'https://crm.partner.example/cb#frag'] },
        '/redirect_uris/1',
        'must not contain a fragment',
      ],
      [
        { redirect_uris: ['https://user:pw@crm.partner.example/cb'] },
        '/redirect_uris/0',
        'must not contain a user name or password',
      ],
      [{ redirect_uris: ['/relative'] }, '/redirect_uris/0', 'is not an absolute URL'],
      [{ redirect_uris: [] }, '/redirect_uris', 'needs at least one URI for authorization_code'],
      [
        { redirect_uris: [CALLBACK], grant_types: ['client_credentials'] },
        '/redirect_uris',
        'is only for apps with the authorization_code grant',
      ],
      [
        { redirect_uris: [], grant_types: ['refresh_token', 'client_credentials'] },
        '/grant_types',
        'refresh_token comes only with authorization_code',
      ],
      [
        { client_type: 'public', grant_types: ['client_credentials'] },
        '/grant_types',
        'client_credentials needs a confidential app',
      ],
    ];
    for (const [body, field, message] of cases) {
      const res = await create({ name: 'X', scopes: ['testimonials:read'], ...body });
      expect([JSON.stringify(body), res.statusCode, res.json().errors]).toEqual([
        JSON.stringify(body),
        422,
        [{ field, message }],
      ]);
    }
    for (const scopes of [['*'], ['everything'], []]) {
      const res = await create({ name: 'X', redirect_uris: [CALLBACK], scopes });
      expect([scopes, res.statusCode, res.json().code]).toEqual([scopes, 422, 'validation_failed']);
    }
  });

  it('edits, pages through and deletes apps', async () => {
    const a = (
      await create({ name: 'A', redirect_uris: [CALLBACK], scopes: ['testimonials:read'] })
    ).json();
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/oauth-apps/${a.id}`,
      headers: t.auth(),
      payload: {
        name: 'A2',
        scopes: ['testimonials:read', 'forms:read'],
        redirect_uris: ['https://a.example/cb'],
      },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'A2',
      scopes: ['testimonials:read', 'forms:read'],
      redirect_uris: ['https://a.example/cb'],
    });
    const badPatch = await t.app.inject({
      method: 'PATCH',
      url: `/v1/oauth-apps/${a.id}`,
      headers: t.auth(),
      payload: { redirect_uris: ['http://a.example/cb'] },
    });
    expect(badPatch.statusCode).toBe(422);

    const page = await t.app.inject({ url: '/v1/oauth-apps?limit=1', headers: t.auth() });
    expect([page.json().data.length, page.json().has_more]).toEqual([1, true]);
    const next = await t.app.inject({
      url: `/v1/oauth-apps?limit=100&starting_after=${page.json().data[0].id}`,
      headers: t.auth(),
    });
    expect(next.json().data.map((x: { id: string }) => x.id)).not.toContain(page.json().data[0].id);

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/v1/oauth-apps/${a.id}`,
      headers: t.auth(),
    });
    expect(deleted.statusCode).toBe(200);
    const gone = await t.app.inject({ url: `/v1/oauth-apps/${a.id}`, headers: t.auth() });
    expect([gone.statusCode, gone.json().code]).toEqual([404, 'not_found']);
  });
});
