import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail, upsertMembership } from '../src/accounts/users.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { SCOPES } from '../src/auth/scopes.js';
import { storageKey } from '../src/oauth/adapter.js';
import { insertWorkspace } from '../src/workspaces/store.js';
import { testDialects } from './support/harness.js';
import { insecure } from './support/oauth-client.js';
import { OAuthFixture, OWNER, REDIRECT_URI } from './support/oauth-fixture.js';

const dialects = await testDialects();

describe.each(dialects)('OAuth 2 authorization server, end to end (%s)', (dialect) => {
  let f: OAuthFixture;
  beforeAll(async () => {
    f = await OAuthFixture.start(dialect);
  });
  afterAll(async () => f?.close());

  it('publishes RFC 8414 metadata: code with S256 only, no implicit or password grant', async () => {
    const { as, url } = f;
    expect(as.issuer).toBe(url);
    expect(as.authorization_endpoint).toBe(`${url}/oauth/authorize`);
    expect(as.token_endpoint).toBe(`${url}/oauth/token`);
    expect(as.revocation_endpoint).toBe(`${url}/oauth/revoke`);
    expect(as.introspection_endpoint).toBe(`${url}/oauth/introspect`);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.response_types_supported).toEqual(['code']);
    expect([...as.grant_types_supported!].sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    expect(as.scopes_supported).toEqual([...SCOPES]);
    expect(as.response_modes_supported).toEqual(['query']);
    expect(as.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'none']);
    expect(as.pushed_authorization_request_endpoint).toBeUndefined();
    expect(as.dpop_signing_alg_values_supported).toBeUndefined();
  });

  it('runs the code flow with PKCE through our consent page; the token works on /v1 like a key', async () => {
    const { start, callback } = await f.authorize();
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('iss')).toBe(f.url);
    const tokens = await f.exchangeCode(callback, start);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('testimonials:read widgets:read');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    expect(await f.statusWith(tokens.access_token)).toBe(200);
    expect(await f.statusWith(tokens.access_token, '/v1/widgets')).toBe(200);
    const write = await f.api('/v1/testimonials', tokens.access_token, {
      method: 'POST',
      body: JSON.stringify({ text: 'hi', author_name: 'A' }),
    });
    expect([write.status, ((await write.json()) as { code: string }).code]).toEqual([
      403,
      'forbidden',
    ]);
  });

  it('keeps no token in the database, only hashes of them', async () => {
    const tokens = await f.tokens();
    const rows = await f.live.server.services.db.kysely
      .selectFrom('oauth_models')
      .selectAll()
      .execute();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(tokens.access_token);
    expect(dump).not.toContain(tokens.refresh_token!);
    expect(
      rows.some((r) => r.model === 'AccessToken' && r.id === storageKey(tokens.access_token)),
    ).toBe(true);
  });

  it('rotates refresh tokens; reusing a spent one revokes the whole grant', async () => {
    const first = await f.tokens();
    const second = await f.refresh(first.refresh_token!);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.scope).toBe('testimonials:read widgets:read');
    expect(await f.statusWith(second.access_token)).toBe(200);

    await expect(f.refresh(first.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
    });
    // Everything the grant issued is gone: both access tokens and the newest refresh token.
    expect(await f.statusWith(first.access_token)).toBe(401);
    expect(await f.statusWith(second.access_token)).toBe(401);
    await expect(f.refresh(second.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refreshes to a narrower scope but never a broader one', async () => {
    const tokens = await f.tokens('testimonials:read');
    const narrower = await f.refresh(tokens.refresh_token!, f.app, 'testimonials:read');
    expect(narrower.scope).toBe('testimonials:read');
    await expect(
      f.refresh(narrower.refresh_token!, f.app, 'testimonials:read testimonials:write'),
    ).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('introspects (RFC 7662) for the token’s own app only, with scope, workspace and expiry', async () => {
    const tokens = await f.tokens();
    const info = await f.introspect(tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      client_id: f.app.id,
      scope: 'testimonials:read widgets:read',
      token_type: 'Bearer',
      workspace_id: f.live.workspaceId,
      aud: `${f.url}/v1`,
      iss: f.url,
    });
    expect(info.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);

    const other = await f.registerApp({
      name: 'Other',
      grant_types: ['client_credentials'],
      scopes: ['testimonials:read'],
    });
    expect(await f.introspect(tokens.access_token, other)).toEqual({ active: false });
    expect(await f.introspect('not-a-token')).toEqual({ active: false });
  });

  it('revokes (RFC 7009): an access token, with the grant it came from; a refresh token, with its grant', async () => {
    const a = await f.tokens();
    await f.revoke(a.access_token);
    expect(await f.statusWith(a.access_token)).toBe(401);
    expect(await f.introspect(a.access_token)).toEqual({ active: false });
    await expect(f.refresh(a.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const b = await f.tokens();
    await f.revoke(b.refresh_token!);
    expect(await f.statusWith(b.access_token)).toBe(401);
    await expect(f.refresh(b.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    // Another app presenting this app's token learns nothing and revokes nothing.
    const c = await f.tokens();
    const other = await f.registerApp({
      name: 'Nosy',
      grant_types: ['client_credentials'],
      scopes: ['testimonials:read'],
    });
    await f.revoke(c.access_token, other);
    expect(await f.statusWith(c.access_token)).toBe(200);
  });

  it('issues client-credentials tokens to a server app, in its workspace and scopes, without refresh', async () => {
    const server = await f.registerApp({
      name: 'Nightly sync',
      grant_types: ['client_credentials'],
      scopes: ['testimonials:read', 'forms:read'],
    });
    const res = await oauth.clientCredentialsGrantRequest(
      f.as,
      server.client,
      server.auth,
      { scope: 'testimonials:read' },
      insecure,
    );
    const tokens = await oauth.processClientCredentialsResponse(f.as, server.client, res);
    expect(tokens.scope).toBe('testimonials:read');
    expect(tokens.refresh_token).toBeUndefined();
    expect(await f.statusWith(tokens.access_token)).toBe(200);
    expect(await f.statusWith(tokens.access_token, '/v1/forms')).toBe(403);
    expect(await f.introspect(tokens.access_token, server)).toMatchObject({
      active: true,
      workspace_id: f.live.workspaceId,
    });
  });

  it('lets a public app (no secret) through with PKCE alone', async () => {
    const spa = await f.registerApp({
      name: 'Browser app',
      client_type: 'public',
      redirect_uris: [REDIRECT_URI],
      scopes: ['widgets:read'],
    });
    const { start, callback } = await f.authorize({ clientId: spa.id, scope: 'widgets:read' });
    const tokens = await f.exchangeCode(callback, start, spa);
    expect(await f.statusWith(tokens.access_token, '/v1/widgets')).toBe(200);
  });

  it('binds a token to its app’s workspace, even for a member of several', async () => {
    const { services } = f.live.server;
    const now = new Date().toISOString();
    const other = await insertWorkspace(services.db.kysely, 'Workspace B', now);
    const owner = await findUserByEmail(services.db.kysely, OWNER.email);
    await upsertMembership(services.db.kysely, other, owner!.id, 'owner', now);
    const bKey = await createApiKey(services.db.kysely, services, other, 'b', ['*']);
    const created = await f.api('/v1/testimonials', bKey.secret, {
      method: 'POST',
      body: JSON.stringify({ text: 'Only in B', author_name: 'B' }),
    });
    const bTestimonial = ((await created.json()) as { id: string }).id;

    const tokens = await f.tokens();
    const list = await f.api('/v1/testimonials', tokens.access_token);
    expect(await list.text()).not.toContain('Only in B');
    expect(await f.statusWith(tokens.access_token, `/v1/testimonials/${bTestimonial}`)).toBe(404);
    expect(await f.statusWith(bKey.secret, `/v1/testimonials/${bTestimonial}`)).toBe(200);
  });

  it('writes no code, token, client secret or password to the log', async () => {
    await f.tokens();
    const log = f.live.logs.join('\n');
    expect(OAuthFixture.issued.length).toBeGreaterThan(10);
    const leaked = [...OAuthFixture.issued, OWNER.password].filter((secret) =>
      log.includes(secret),
    );
    expect(leaked).toEqual([]);
    expect(log).toContain('oauth consent');
  });

  it('stops a member’s tokens when they leave the workspace or the app is deleted', async () => {
    const editor = await f.addMember('editor@example.com', 'editor');
    const { start, callback } = await f.authorize({}, { user: editor });
    const tokens = await f.exchangeCode(callback, start);
    expect(await f.statusWith(tokens.access_token)).toBe(200);
    await f.live.server.services.db.kysely
      .deleteFrom('memberships')
      .where('role', '=', 'editor')
      .execute();
    expect(await f.statusWith(tokens.access_token)).toBe(401);

    const doomed = await f.registerApp({
      name: 'Doomed',
      grant_types: ['client_credentials'],
      scopes: ['testimonials:read'],
    });
    const res = await oauth.clientCredentialsGrantRequest(
      f.as,
      doomed.client,
      doomed.auth,
      { scope: 'testimonials:read' },
      insecure,
    );
    const token = (await oauth.processClientCredentialsResponse(f.as, doomed.client, res))
      .access_token;
    expect(await f.statusWith(token)).toBe(200);
    expect(
      (await f.api(`/v1/oauth-apps/${doomed.id}`, f.live.apiKey, { method: 'DELETE' })).status,
    ).toBe(200);
    expect(await f.statusWith(token)).toBe(401);
  });
});
