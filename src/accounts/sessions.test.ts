import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from './tokens.js';
import { createUser } from './create-user.js';
import { hiddenField } from '../../test/support/cookie-jar.js';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { PageClient } from '../../test/support/page-client.js';

const dialects = await testDialects();
const PASSWORD = 'a long enough password';

describe.each(dialects)('sign-in and sessions (%s)', (dialect) => {
  let t: TestContext;
  afterEach(async () => t?.close());

  async function setUp(env: Record<string, string> = {}, clock?: ManualClock) {
    t = await createTestContext(dialect, { env, clock });
    await createUser(t.services, {
      email: 'Ann@Example.com',
      password: PASSWORD,
      workspaceId: t.workspaceId,
      role: 'owner',
    });
    return new PageClient(t.app, env.PUBLIC_URL ?? 'http://127.0.0.1:3000');
  }

  it('signs in with any capitalisation of the email into a hashed, HttpOnly, SameSite=Lax session', async () => {
    const browser = await setUp();
    const res = await browser.signIn('  ann@EXAMPLE.com ', PASSWORD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');

    const cookie = [res.headers['set-cookie']]
      .flat()
      .find((c) => c!.startsWith('showtrust_session='))!;
    expect(cookie).toMatch(
      /^showtrust_session=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Lax; Max-Age=604800; HttpOnly$/,
    );
    const token = browser.jar.get('showtrust_session')!;
    const stored = await t.services.db.kysely.selectFrom('sessions').selectAll().execute();
    expect(stored.map((s) => s.token_hash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(stored)).not.toContain(token);

    const page = await browser.get('/account');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Signed in as <strong>Ann@Example.com</strong>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('uses a __Host- Secure cookie when PUBLIC_URL is https', async () => {
    const browser = await setUp({ PUBLIC_URL: 'https://reviews.example.com' });
    const res = await browser.signIn('ann@example.com', PASSWORD);
    expect(res.statusCode).toBe(303);
    const cookies = [res.headers['set-cookie']].flat().join('\n');
    expect(cookies).toMatch(
      /^__Host-showtrust_session=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Lax; Max-Age=604800; HttpOnly; Secure$/m,
    );
    expect(cookies).not.toMatch(/^showtrust_session=/m);
    expect((await browser.get('/account')).statusCode).toBe(200);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const browser = await setUp();
    const wrong = await browser.signIn('ann@example.com', 'not the password');
    const unknown = await browser.signIn('nobody@example.com', PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('That email and password do not match an account.');
      expect(res.headers['set-cookie'] ?? '').not.toContain('showtrust_session=');
    }
    expect(await t.services.db.kysely.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });

  it('refuses a sign-in post without the page token, with a foreign Origin, or a cross-site fetch', async () => {
    const browser = await setUp();
    const page = await browser.get('/account/sign-in');
    const csrf = hiddenField(page.body, '_csrf');
    const fields = { email: 'ann@example.com', password: PASSWORD };

    const attempts = [
      await browser.post('/account/sign-in', fields),
      await browser.post('/account/sign-in', { ...fields, _csrf: 'forged' }),
      await browser.post(
        '/account/sign-in',
        { ...fields, _csrf: csrf },
        { origin: 'https://evil.example' },
      ),
      await browser.post('/account/sign-in', { ...fields, _csrf: csrf }, { origin: 'null' }),
      await browser.post(
        '/account/sign-in',
        { ...fields, _csrf: csrf },
        { 'sec-fetch-site': 'cross-site' },
      ),
    ];
    // Another browser's valid pair is no good with this browser's cookie.
    const other = new PageClient(t.app);
    const otherCsrf = hiddenField((await other.get('/account/sign-in')).body, '_csrf');
    attempts.push(await browser.post('/account/sign-in', { ...fields, _csrf: otherCsrf }));

    expect(attempts.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(await t.services.db.kysely.selectFrom('sessions').selectAll().execute()).toEqual([]);
    expect((await browser.post('/account/sign-in', { ...fields, _csrf: csrf })).statusCode).toBe(
      303,
    );
  });

  it('returns only to paths on this server after sign-in', async () => {
    const browser = await setUp();
    const cases: [string, string][] = [
      ['/oauth/consent/abc', '/oauth/consent/abc'],
      ['//evil.example/x', '/account'],
      ['/\\evil.example', '/account'],
      ['https://evil.example/', '/account'],
    ];
    for (const [returnTo, expected] of cases) {
      const fresh = new PageClient(t.app);
      const res = await fresh.submit('/account/sign-in', '/account/sign-in', {
        email: 'ann@example.com',
        password: PASSWORD,
        return_to: returnTo,
      });
      expect([returnTo, res.headers.location]).toEqual([returnTo, expected]);
    }
    expect(browser.jar.get('showtrust_session')).toBeUndefined();
  });

  it('signs out: the session is revoked and its cookie no longer opens the account', async () => {
    const browser = await setUp();
    await browser.signIn('ann@example.com', PASSWORD);
    const token = browser.jar.get('showtrust_session')!;

    const forged = await browser.post('/account/sign-out', { _csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    const out = await browser.submit('/account', '/account/sign-out', {});
    expect([out.statusCode, out.headers.location]).toEqual([303, '/account/sign-in?signed_out=1']);
    expect([out.headers['set-cookie']].flat().join('\n')).toContain(
      'showtrust_session=; Path=/; SameSite=Lax; Max-Age=0',
    );

    const row = await t.services.db.kysely
      .selectFrom('sessions')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    browser.jar.set('showtrust_session', token);
    const again = await browser.get('/account');
    expect([again.statusCode, again.headers.location]).toEqual([
      303,
      '/account/sign-in?return_to=%2Faccount',
    ]);
  });

  it('ends a session after the idle timeout and after its maximum age', async () => {
    const clock = new ManualClock();
    const browser = await setUp({ SESSION_IDLE_MINUTES: '30', SESSION_MAX_AGE_HOURS: '2' }, clock);
    await browser.signIn('ann@example.com', PASSWORD);
    clock.advance(29 * 60_000);
    expect((await browser.get('/account')).statusCode).toBe(200);
    clock.advance(29 * 60_000); // active within every 30 minutes: still in
    expect((await browser.get('/account')).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    expect((await browser.get('/account')).statusCode).toBe(303);

    await browser.signIn('ann@example.com', PASSWORD);
    for (let i = 0; i < 4; i++) {
      clock.advance(25 * 60_000);
      expect((await browser.get('/account')).statusCode).toBe(200);
    }
    clock.advance(25 * 60_000); // 125 minutes after sign-in
    expect((await browser.get('/account')).statusCode).toBe(303);
  });

  it('throttles sign-in per account, even with the right password, and per IP', async () => {
    const clock = new ManualClock();
    const browser = await setUp(
      { LOGIN_ATTEMPTS_PER_ACCOUNT: '3', LOGIN_ATTEMPTS_PER_IP: '5' },
      clock,
    );
    for (let i = 0; i < 3; i++) {
      expect((await browser.signIn('ann@example.com', 'wrong password!')).statusCode).toBe(400);
    }
    const blocked = await browser.signIn('ANN@example.com', PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
    expect(blocked.body).toContain('Too many sign-in attempts');

    // Two more attempts from this IP on other accounts use up its budget of five.
    expect((await browser.signIn('bob@example.com', PASSWORD)).statusCode).toBe(400);
    expect((await browser.signIn('cy@example.com', PASSWORD)).statusCode).toBe(429);

    clock.advance(15 * 60_000);
    expect((await browser.signIn('ann@example.com', PASSWORD)).statusCode).toBe(303);
  });

  it('answers the session endpoint and account pages with CORS for our own origin only', async () => {
    const browser = await setUp();
    await browser.signIn('ann@example.com', PASSWORD);

    const evil = await browser.get('/account/session', { origin: 'https://evil.example' });
    expect(evil.statusCode).toBe(200);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(evil.headers['access-control-allow-credentials']).toBeUndefined();
    expect(evil.headers.vary).toBe('Origin');

    const own = await browser.get('/account/session', { origin: 'http://127.0.0.1:3000' });
    expect(own.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
    expect(own.headers['access-control-allow-credentials']).toBe('true');
    expect(own.headers.vary).toBe('Origin');
    expect(own.json()).toMatchObject({
      user: { email: 'Ann@Example.com' },
      memberships: [{ workspace_id: t.workspaceId, role: 'owner', workspace_name: 'My workspace' }],
    });

    const anonymous = await new PageClient(t.app).get('/account/session');
    expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'unauthorized']);
  });

  it('keeps one account per email whatever its capitalisation', async () => {
    await setUp();
    await expect(
      createUser(t.services, {
        email: 'ANN@example.COM',
        password: PASSWORD,
        workspaceId: t.workspaceId,
        role: 'viewer',
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const users = await t.services.db.kysely.selectFrom('users').select('email').execute();
    expect(users).toEqual([{ email: 'Ann@Example.com' }]);
  });
});
