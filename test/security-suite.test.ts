import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, generateApiKey } from '../src/auth/api-keys.js';
import { SCOPES } from '../src/auth/scopes.js';
import { listRoutes, type RouteInfo } from '../src/platform/http/app.js';
import { createTestContext, testDialects, type TestContext } from './support/harness.js';

/**
 * The security suite every authenticated route must pass: no key, a malformed key, an
 * unknown key, a revoked key and a key without the route's scope are refused, and a key of
 * another workspace aimed at this workspace's ids finds nothing. Routes are discovered
 * from the app itself, so a new route is covered (or fails here) without anyone
 * remembering to add it.
 */

const dialects = await testDialects();

/** /v1 routes that are public on purpose. */
const PUBLIC_V1_ROUTES = new Set(['GET /v1/openapi.json']);

/** For a route under each collection: how to make one of its resources, and a valid edit. */
interface Fixture {
  create: (t: TestContext) => Promise<string>;
  patch: Record<string, unknown>;
  /** The body for a nested POST route (by its URL pattern) whose body is not the patch. */
  bodies?: Record<string, Record<string, unknown>>;
}

async function post(
  t: TestContext,
  url: string,
  payload: Record<string, unknown>,
): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url, headers: t.auth(), payload });
  if (res.statusCode !== 201)
    throw new Error(`fixture ${url} failed: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

const FIXTURES: Record<string, Fixture> = {
  testimonials: {
    create: (t) => post(t, '/v1/testimonials', { text: 'Secret text of A', author_name: 'A' }),
    patch: { status: 'approved' },
  },
  forms: {
    create: (t) => post(t, '/v1/forms', { slug: `sec-${Date.now()}`, name: 'A form' }),
    patch: { name: 'Renamed by B' },
  },
  widgets: {
    create: (t) => post(t, '/v1/widgets', { name: 'A widget', kind: 'grid' }),
    patch: { name: 'Renamed by B' },
  },
  // One per workspace, no id: the suite's "other workspace" checks read B's own settings.
  'widget-branding': {
    create: async (t) => t.workspaceId,
    patch: { white_label: true },
  },
  'webhook-endpoints': {
    create: (t) =>
      post(t, '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', events: ['*'] }),
    patch: { description: 'Renamed by B' },
    bodies: {
      '/v1/webhook-endpoints/:id/recover': { since: '2026-01-01T00:00:00.000Z' },
      '/v1/webhook-endpoints/:id/test': {},
    },
  },
  hooks: {
    create: (t) =>
      post(t, '/v1/hooks', { target_url: 'http://127.0.0.1:9/zap', event: 'testimonial.created' }),
    patch: {},
  },
  'event-types': {
    // A catalogue, the same for every workspace: nothing to find across workspaces.
    create: async () => 'event-types-have-no-id',
    patch: {},
  },
  'api-keys': {
    create: (t) => post(t, '/v1/api-keys', { name: 'A key', scopes: ['testimonials:read'] }),
    patch: {},
  },
  'audit-log': {
    create: async (t) => {
      await post(t, '/v1/widgets', { name: 'Audited widget', kind: 'grid' });
      const list = await t.app.inject({ url: '/v1/audit-log?limit=1', headers: t.auth() });
      return list.json().data[0].id;
    },
    patch: {},
  },
  events: {
    create: async (t) => {
      await post(t, '/v1/testimonials', { text: 'makes an event', author_name: 'A' });
      const list = await t.app.inject({ url: '/v1/events?limit=1', headers: t.auth() });
      return list.json().data[0].id;
    },
    patch: {},
  },
  emails: {
    create: async (t) => {
      const email = await t.services.mailer.send({
        workspaceId: t.workspaceId,
        to: 'a@example.com',
        subject: 'Secret text of A',
        text: 'Secret text of A',
        kind: 'test',
      });
      return email.id;
    },
    patch: {},
  },
  contacts: {
    create: (t) => post(t, '/v1/contacts', { email: 'a@example.com', name: 'Secret text of A' }),
    patch: { name: 'Renamed by B' },
  },
  'customer-events': {
    create: async (t) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/customer-events',
        headers: t.auth(),
        payload: {
          id: 'sec-event-1',
          type: 'nps.responded',
          occurred_at: '2026-01-15T12:00:00.000Z',
          contact: { email: 'a@example.com' },
          properties: { comment: 'Secret text of A' },
        },
      });
      if (res.statusCode !== 202) throw new Error(`fixture customer event: ${res.body}`);
      return res.json().id;
    },
    patch: {},
  },
  rules: {
    create: async (t) =>
      post(t, '/v1/rules', {
        name: 'Secret text of A',
        trigger: 'testimonial.created',
        actions: [{ type: 'add_tags', tags: ['a'] }],
      }),
    patch: { name: 'Renamed by B' },
  },
  'review-requests': {
    create: async (t) => {
      const forms = await t.app.inject({ url: '/v1/forms', headers: t.auth() });
      const formId = forms.json().data[0].id;
      return post(t, '/v1/review-requests', {
        contact: { email: 'a@example.com' },
        form_id: formId,
      });
    },
    patch: {},
  },
  connections: {
    create: (t) =>
      post(t, '/v1/connections', {
        kind: 'slack',
        name: 'Secret text of A',
        webhook_url: 'http://127.0.0.1:9/slack',
      }),
    patch: { name: 'Renamed by B' },
  },
  'email-templates': {
    create: async (t) => {
      const forms = await t.app.inject({ url: '/v1/forms', headers: t.auth() });
      const formId = forms.json().data[0].id;
      return post(t, '/v1/email-templates', {
        form_id: formId,
        kind: 'reminder',
        subject: 'Secret text of A',
        text: 'Hello {{contact.name}}: {{link}}',
      });
    },
    patch: { subject: 'Renamed by B' },
  },
  'oauth-apps': {
    create: (t) =>
      post(t, '/v1/oauth-apps', {
        name: 'Secret text of A',
        redirect_uris: ['https://crm.partner.example/oauth/callback'],
        scopes: ['testimonials:read'],
      }),
    patch: { name: 'Renamed by B' },
  },
  'automation-settings': {
    // One per workspace, addressed without an id: nothing to find across workspaces.
    create: async () => 'automation-settings-have-no-id',
    patch: { time_zone: 'Europe/Berlin' },
  },
};

function collectionOf(route: RouteInfo): string {
  return route.url.split('/')[2] ?? '';
}

function concreteUrl(route: RouteInfo, id: string): string {
  return route.url.replace(/:id\b/, id).replace(/:[a-z_]+/g, 'whd_00000000000000000000000000');
}

describe.each(dialects)('security suite over every authenticated route (%s)', (dialect) => {
  let t: TestContext;
  let routes: RouteInfo[];
  let revokedKey: string;
  let other: { workspaceId: string; apiKey: string };
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestContext(dialect);
    routes = listRoutes(t.app).filter(
      (r) => r.url.startsWith('/v1/') && r.method !== 'HEAD' && r.method !== 'OPTIONS',
    );
    const revoked = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'revoked', [
      '*',
    ]);
    await t.services.db.kysely
      .updateTable('api_keys')
      .set({ revoked_at: '2026-01-01T00:00:00.000Z' })
      .where('id', '=', revoked.id)
      .execute();
    revokedKey = revoked.secret;
    other = await t.createWorkspace();
    for (const [collection, fixture] of Object.entries(FIXTURES))
      ids.set(collection, await fixture.create(t));
  });
  afterAll(async () => t.close());

  it('finds the routes of every feature, each of them guarded', () => {
    const unguarded = routes.filter(
      (r) => !r.scope && !PUBLIC_V1_ROUTES.has(`${r.method} ${r.url}`),
    );
    expect(unguarded.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // The five collections of the core API and their nested routes, at the least.
    expect(routes.filter((r) => r.scope).length).toBeGreaterThanOrEqual(17);
    const collections = new Set(routes.filter((r) => r.scope).map(collectionOf));
    expect([...collections].sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  it('refuses a missing, malformed, unknown or revoked key with 401 on every route', async () => {
    const credentials = [
      undefined,
      'Bearer not-a-key',
      `Bearer ${generateApiKey()}`,
      `Bearer ${revokedKey}`,
    ];
    for (const route of routes.filter((r) => r.scope)) {
      for (const authorization of credentials) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concreteUrl(route, ids.get(collectionOf(route)) ?? 'x'),
          headers: authorization ? { authorization } : {},
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        expect([route.url, authorization, res.statusCode, res.json().code]).toEqual([
          route.url,
          authorization,
          401,
          'unauthorized',
        ]);
      }
    }
  });

  it('refuses a key without the route scope with 403 on every route', async () => {
    for (const route of routes.filter((r) => r.scope)) {
      const otherScope = SCOPES.find((s) => s !== route.scope)!;
      const key = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'narrow', [
        otherScope,
      ]);
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route, ids.get(collectionOf(route)) ?? 'x'),
        headers: t.auth(key.secret),
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      expect([route.url, res.statusCode, res.json().code]).toEqual([route.url, 403, 'forbidden']);
    }
  });

  it("finds nothing of this workspace with another workspace's key", async () => {
    for (const route of routes.filter((r) => r.scope && r.url.includes(':id'))) {
      const collection = collectionOf(route);
      const id = ids.get(collection)!;
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route, id),
        headers: t.auth(other.apiKey),
        ...(route.method === 'GET' || route.method === 'DELETE'
          ? {}
          : { payload: FIXTURES[collection]!.bodies?.[route.url] ?? FIXTURES[collection]!.patch }),
      });
      expect([route.method, route.url, res.statusCode]).toEqual([route.method, route.url, 404]);
      expect(res.body).not.toContain('Secret text of A');
    }
    for (const route of routes.filter(
      (r) => r.scope && r.method === 'GET' && !r.url.includes(':'),
    )) {
      const res = await t.app.inject({ url: route.url, headers: t.auth(other.apiKey) });
      expect([route.url, res.statusCode]).toEqual([route.url, 200]);
      const body = res.json();
      for (const id of ids.values()) expect(JSON.stringify(body)).not.toContain(id);
    }
    // Nothing of A changed: its testimonial is still pending and present.
    const own = await t.app.inject({
      url: `/v1/testimonials/${ids.get('testimonials')}`,
      headers: t.auth(),
    });
    expect(own.json().status).toBe('pending');
  });
});
