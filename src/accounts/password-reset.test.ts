import { afterEach, describe, expect, it } from 'vitest';
import { hiddenField } from '../../test/support/cookie-jar.js';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { PageClient } from '../../test/support/page-client.js';
import { createUser } from './create-user.js';

const dialects = await testDialects();
const OLD = 'the old password';
const NEW = 'a brand new password';

async function sentLinks(t: TestContext, kind: string): Promise<string[]> {
  const rows = await t.services.db.kysely
    .selectFrom('emails')
    .select(['text_body', 'to_address'])
    .where('kind', '=', kind)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => /https?:\/\/\S+/.exec(r.text_body)![0]);
}

function pathOf(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

describe.each(dialects)('password reset by email link (%s)', (dialect) => {
  let t: TestContext;
  let clock: ManualClock;
  afterEach(async () => t?.close());

  async function setUp() {
    clock = new ManualClock();
    t = await createTestContext(dialect, { clock });
    const { userId } = await createUser(t.services, {
      email: 'ann@example.com',
      password: OLD,
      workspaceId: t.workspaceId,
      role: 'editor',
    });
    return userId;
  }

  async function requestReset(browser: PageClient, email: string) {
    return browser.submit('/account/password-reset', '/account/password-reset', { email });
  }

  it('answers a known and an unknown address alike, and mails a link only to the known one', async () => {
    await setUp();
    const browser = new PageClient(t.app);
    const known = await requestReset(browser, 'ANN@example.com');
    const unknown = await requestReset(browser, 'nobody@example.com');
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    expect(strip(unknown.body)).toBe(strip(known.body));
    expect(known.body).toContain('If an account uses that address');

    const emails = await t.services.db.kysely.selectFrom('emails').selectAll().execute();
    expect(emails.map((e) => [e.kind, e.to_address, e.workspace_id])).toEqual([
      ['password_reset', 'ann@example.com', null],
    ]);
    expect(emails[0]!.text_body).toMatch(
      /http:\/\/127\.0\.0\.1:3000\/account\/password-reset\/confirm\?token=[A-Za-z0-9_-]{43}/,
    );
  });

  it('sets a new password once: old password and every session stop working, the link is spent', async () => {
    await setUp();
    const signedIn = new PageClient(t.app);
    await signedIn.signIn('ann@example.com', OLD);
    expect((await signedIn.get('/account')).statusCode).toBe(200);

    const browser = new PageClient(t.app);
    await requestReset(browser, 'ann@example.com');
    const [link] = await sentLinks(t, 'password_reset');
    const form = await browser.get(pathOf(link!));
    expect(form.statusCode).toBe(200);
    const fields = {
      _csrf: hiddenField(form.body, '_csrf'),
      token: hiddenField(form.body, 'token'),
    };

    const mismatch = await browser.post('/account/password-reset/confirm', {
      ...fields,
      password: NEW,
      password_confirm: `${NEW}!`,
    });
    expect([mismatch.statusCode, mismatch.body.includes('The two passwords differ.')]).toEqual([
      422,
      true,
    ]);
    const done = await browser.post('/account/password-reset/confirm', {
      ...fields,
      password: NEW,
      password_confirm: NEW,
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Password changed');

    expect((await signedIn.get('/account')).statusCode).toBe(303);
    expect((await new PageClient(t.app).signIn('ann@example.com', OLD)).statusCode).toBe(400);
    expect((await new PageClient(t.app).signIn('ann@example.com', NEW)).statusCode).toBe(303);

    const again = await browser.post('/account/password-reset/confirm', {
      ...fields,
      password: 'yet another password',
      password_confirm: 'yet another password',
    });
    expect(again.statusCode).toBe(410);
    expect((await browser.get(pathOf(link!))).statusCode).toBe(410);
  });

  it('expires a link after one hour, and a newer password spends older links', async () => {
    await setUp();
    const browser = new PageClient(t.app);
    await requestReset(browser, 'ann@example.com');
    clock.advance(59 * 60_000);
    await requestReset(browser, 'ann@example.com');
    const [first, second] = await sentLinks(t, 'password_reset');
    expect((await browser.get(pathOf(first!))).statusCode).toBe(200);
    clock.advance(2 * 60_000);
    expect((await browser.get(pathOf(first!))).statusCode).toBe(410);

    const form = await browser.get(pathOf(second!));
    const used = await browser.post('/account/password-reset/confirm', {
      _csrf: hiddenField(form.body, '_csrf'),
      token: hiddenField(form.body, 'token'),
      password: NEW,
      password_confirm: NEW,
    });
    expect(used.statusCode).toBe(200);
    clock.advance(-30 * 60_000);
    expect((await browser.get(pathOf(first!))).statusCode).toBe(410);
  });

  it('limits reset requests per address, whether or not it has an account', async () => {
    await setUp();
    const browser = new PageClient(t.app);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await requestReset(browser, 'nobody@x.example')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('changes the password while signed in: other sessions end, this browser stays in', async () => {
    await setUp();
    const other = new PageClient(t.app);
    await other.signIn('ann@example.com', OLD);
    const browser = new PageClient(t.app);
    await browser.signIn('ann@example.com', OLD);

    const wrong = await browser.submit('/account', '/account/password', {
      current_password: 'not my password',
      password: NEW,
      password_confirm: NEW,
    });
    expect([wrong.statusCode, wrong.body.includes('Your current password is not right.')]).toEqual([
      400,
      true,
    ]);
    const changed = await browser.submit('/account', '/account/password', {
      current_password: OLD,
      password: NEW,
      password_confirm: NEW,
    });
    expect([changed.statusCode, changed.headers.location]).toEqual([303, '/account']);
    expect((await browser.get('/account')).statusCode).toBe(200);
    expect((await other.get('/account')).statusCode).toBe(303);
    const live = await t.services.db.kysely
      .selectFrom('sessions')
      .select('id')
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toHaveLength(1);
  });
});
