import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { KyselyOidcAdapter, purgeExpiredModels, storageKey } from './adapter.js';
import { PURGE_JOB } from './purge-job.js';
import { loadSigningKeys } from './signing-keys.js';

const dialects = await testDialects();

describe.each(dialects)('oidc-provider storage in our database (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => t?.close());

  const adapter = (model: string) => new KyselyOidcAdapter(model, t.services);

  it('stores a token under a hash of its id, without the id in the payload, and finds it again', async () => {
    const tokens = adapter('AccessToken');
    await tokens.upsert(
      'secret-token-value',
      { jti: 'secret-token-value', grantId: 'g1', clientId: 'oap_x', kind: 'AccessToken' },
      60,
    );
    const rows = await t.services.db.kysely.selectFrom('oauth_models').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      model: 'AccessToken',
      id: storageKey('secret-token-value'),
      grant_id: 'g1',
      client_id: 'oap_x',
    });
    expect(JSON.stringify(rows)).not.toContain('secret-token-value');
    expect(await tokens.find('secret-token-value')).toEqual({
      jti: 'secret-token-value',
      grantId: 'g1',
      clientId: 'oap_x',
      kind: 'AccessToken',
    });
    expect(await adapter('RefreshToken').find('secret-token-value')).toBeUndefined();

    await tokens.upsert(
      'secret-token-value',
      { jti: 'secret-token-value', grantId: 'g1', scope: 'a' },
      60,
    );
    expect((await tokens.find('secret-token-value'))?.scope).toBe('a');
    await tokens.destroy('secret-token-value');
    expect(await tokens.find('secret-token-value')).toBeUndefined();
  });

  it('finds sessions by uid and marks codes consumed', async () => {
    await adapter('Session').upsert(
      'sess-1',
      { jti: 'sess-1', uid: 'uid-1', accountId: 'usr_1' },
      60,
    );
    expect(await adapter('Session').findByUid('uid-1')).toMatchObject({
      jti: 'sess-1',
      accountId: 'usr_1',
    });

    const codes = adapter('AuthorizationCode');
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g2' }, 60);
    await codes.consume('code-1');
    expect((await codes.find('code-1'))?.consumed).toEqual(expect.any(Number));
  });

  it('treats a second consumption of a code or refresh token as reuse: it revokes the grant', async () => {
    const codes = adapter('AuthorizationCode');
    await codes.upsert('code-2', { jti: 'code-2', grantId: 'g3' }, 60);
    await adapter('AccessToken').upsert('at-3', { jti: 'at-3', grantId: 'g3' }, 60);
    await adapter('Grant').upsert('g3', { jti: 'g3', accountId: 'usr_1' }, 60);
    await adapter('AccessToken').upsert('at-other', { jti: 'at-other', grantId: 'g-other' }, 60);

    // Two requests raced past oidc-provider's own check; the loser must not get tokens.
    const results = await Promise.allSettled([codes.consume('code-2'), codes.consume('code-2')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(refused.reason).toMatchObject({
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
    });
    expect(await adapter('AccessToken').find('at-3')).toBeUndefined();
    expect(await adapter('Grant').find('g3')).toBeUndefined();
    expect(await adapter('AccessToken').find('at-other')).toBeDefined();
  });

  it('revokes by grant id within one model only, and purges what expired a day ago', async () => {
    await adapter('AccessToken').upsert('at-4', { jti: 'at-4', grantId: 'g4' }, 60);
    await adapter('RefreshToken').upsert('rt-4', { jti: 'rt-4', grantId: 'g4' }, 60);
    await adapter('AccessToken').revokeByGrantId('g4');
    expect(await adapter('AccessToken').find('at-4')).toBeUndefined();
    expect(await adapter('RefreshToken').find('rt-4')).toBeDefined();

    await adapter('Interaction').upsert('old', { jti: 'old' }, 1);
    await t.services.db.kysely
      .updateTable('oauth_models')
      .set({ expires_at: new Date(Date.now() - 25 * 3_600_000).toISOString() })
      .where('id', '=', storageKey('old'))
      .execute();
    expect(await purgeExpiredModels(t.services)).toBe(1);
    expect(await adapter('Interaction').find('old')).toBeUndefined();
    expect(await adapter('RefreshToken').find('rt-4')).toBeDefined();
  });

  it('keeps one hourly purge job queued', async () => {
    const jobs = () =>
      t.services.db.kysely
        .selectFrom('jobs')
        .select(['run_at', 'status'])
        .where('kind', '=', PURGE_JOB)
        .execute();
    expect(await jobs()).toHaveLength(1);
    await t.services.jobs.runDue();
    const [job] = await jobs();
    expect(job!.status).toBe('queued');
    expect(Date.parse(job!.run_at) - t.services.clock.nowMs()).toBeGreaterThan(59 * 60_000);
  });

  it('makes the signing key once, keeps it encrypted, and gives every process the same one', async () => {
    const first = await loadSigningKeys(t.services);
    const again = await loadSigningKeys(t.services);
    expect(first).toHaveLength(1);
    expect(again.map((k) => k.kid)).toEqual(first.map((k) => k.kid));
    expect(first[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', d: expect.any(String) });
    const rows = await t.services.db.kysely.selectFrom('oauth_signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_jwk_encrypted).toMatch(/^v1\./);
    expect(rows[0]!.private_jwk_encrypted).not.toContain(first[0]!.d as string);
  });
});
