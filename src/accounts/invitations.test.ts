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
import type { Role } from './roles.js';

const dialects = await testDialects();
const PASSWORD = 'a long enough password';

describe.each(dialects)('invitations (%s)', (dialect) => {
  let t: TestContext;
  let clock: ManualClock;
  afterEach(async () => t?.close());

  async function member(email: string, role: Role) {
    await createUser(t.services, { email, password: PASSWORD, workspaceId: t.workspaceId, role });
    const browser = new PageClient(t.app);
    expect((await browser.signIn(email, PASSWORD)).statusCode).toBe(303);
    return browser;
  }

  async function invite(browser: PageClient, email: string, role: string) {
    return browser.submit('/account', '/account/invitations', {
      workspace_id: t.workspaceId,
      email,
      role,
    });
  }

  async function lastLink(): Promise<string> {
    const row = await t.services.db.kysely
      .selectFrom('emails')
      .select('text_body')
      .where('kind', '=', 'invitation')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const url = new URL(/https?:\/\/\S+/.exec(row.text_body)![0]);
    return url.pathname + url.search;
  }

  async function roles() {
    return t.services.db.kysely
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.email', 'memberships.role'])
      .orderBy('users.email')
      .orderBy('memberships.role')
      .execute();
  }

  it('an admin invites by email; the new person chooses a password and joins with that role, once', async () => {
    clock = new ManualClock();
    t = await createTestContext(dialect, { clock });
    const admin = await member('admin@example.com', 'admin');
    const sent = await invite(admin, 'New.Person@Example.com', 'editor');
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Invitation sent to New.Person@Example.com.');

    const email = await t.services.db.kysely
      .selectFrom('emails')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect([email.kind, email.to_address, email.workspace_id]).toEqual([
      'invitation',
      'new.person@example.com',
      t.workspaceId,
    ]);
    const link = await lastLink();
    const guest = new PageClient(t.app);
    const page = await guest.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You are invited as <strong>editor</strong>');

    const fields = {
      _csrf: hiddenField(page.body, '_csrf'),
      token: hiddenField(page.body, 'token'),
    };
    const accepted = await guest.post('/account/invitations/accept', {
      ...fields,
      password: PASSWORD,
      password_confirm: PASSWORD,
    });
    expect([accepted.statusCode, accepted.headers.location]).toEqual([303, '/account']);
    expect((await guest.get('/account')).body).toContain('new.person@example.com');
    expect(await roles()).toEqual([
      { email: 'admin@example.com', role: 'admin' },
      { email: 'new.person@example.com', role: 'editor' },
    ]);

    const reused = await new PageClient(t.app).get(link);
    expect(reused.statusCode).toBe(410);
    const reposted = await guest.post('/account/invitations/accept', {
      ...fields,
      password: PASSWORD,
      password_confirm: PASSWORD,
    });
    expect(reposted.statusCode).toBe(410);
  });

  it('an existing account accepts with its password and keeps a higher role it already has elsewhere', async () => {
    t = await createTestContext(dialect);
    const other = await t.createWorkspace('Second');
    await createUser(t.services, {
      email: 'known@example.com',
      password: PASSWORD,
      workspaceId: other.workspaceId,
      role: 'owner',
    });
    const owner = await member('owner@example.com', 'owner');
    await invite(owner, 'known@example.com', 'viewer');

    const guest = new PageClient(t.app);
    const page = await guest.get(await lastLink());
    expect(page.body).toContain('Your ShowTrust password');
    const fields = {
      _csrf: hiddenField(page.body, '_csrf'),
      token: hiddenField(page.body, 'token'),
    };
    const wrong = await guest.post('/account/invitations/accept', {
      ...fields,
      password: 'not it at all',
    });
    expect(wrong.statusCode).toBe(400);
    const right = await guest.post('/account/invitations/accept', {
      ...fields,
      password: PASSWORD,
    });
    expect(right.statusCode).toBe(303);
    expect(await roles()).toEqual([
      { email: 'known@example.com', role: 'owner' },
      { email: 'known@example.com', role: 'viewer' },
      { email: 'owner@example.com', role: 'owner' },
    ]);
  });

  it('expires an invitation after 7 days', async () => {
    clock = new ManualClock();
    t = await createTestContext(dialect, { clock });
    const admin = await member('admin@example.com', 'admin');
    await invite(admin, 'late@example.com', 'viewer');
    clock.advance(7 * 24 * 60 * 60_000 + 1);
    expect((await new PageClient(t.app).get(await lastLink())).statusCode).toBe(410);
  });

  it('lets only owners and admins invite, and only owners make owners', async () => {
    t = await createTestContext(dialect);
    const editor = await member('editor@example.com', 'editor');
    const admin = await member('admin@example.com', 'admin');
    const owner = await member('owner@example.com', 'owner');

    const byEditor = await editor.post('/account/invitations', {
      _csrf: hiddenField((await editor.get('/account')).body, '_csrf'),
      workspace_id: t.workspaceId,
      email: 'x@example.com',
      role: 'viewer',
    });
    expect(byEditor.statusCode).toBe(403);
    expect((await invite(admin, 'x@example.com', 'owner')).statusCode).toBe(403);
    expect((await invite(admin, 'x@example.com', 'admin')).statusCode).toBe(200);
    expect((await invite(owner, 'y@example.com', 'owner')).statusCode).toBe(200);
    expect((await invite(owner, 'admin@example.com', 'viewer')).statusCode).toBe(409);
    expect((await invite(owner, 'not an email', 'viewer')).statusCode).toBe(422);

    const forged = await owner.post('/account/invitations', {
      _csrf: 'forged',
      workspace_id: t.workspaceId,
      email: 'z@example.com',
      role: 'viewer',
    });
    expect(forged.statusCode).toBe(403);
    const sent = await t.services.db.kysely.selectFrom('invitations').select('email').execute();
    expect(sent.map((i) => i.email).sort()).toEqual(['x@example.com', 'y@example.com']);
  });
});
