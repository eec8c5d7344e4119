import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../../test/support/harness.js';
import { startSmtpStandIn, type SmtpStandIn } from '../../../test/support/smtp-stand-in.js';
import { SMTP_RETRY_DELAYS_MS } from './smtp-mailer.js';

const dialects = await testDialects();

const message = (workspaceId: string | null, to = 'ada@example.com') => ({
  workspaceId,
  to,
  subject: 'Would you tell others about us?',
  text: 'Plain text body',
  html: '<p>HTML body</p>',
  headers: { 'List-Unsubscribe': '<https://example.com/u/1>' },
  kind: 'review_request',
});

describe.each(dialects)('capture mailer (%s)', (dialect) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext(dialect);
  });
  afterEach(async () => t.close());

  it('keeps messages, lists them per workspace and logged once where to read them', async () => {
    const { id } = await t.services.mailer.send(message(t.workspaceId));
    await t.services.mailer.send(message(null, 'reset@example.com'));
    const other = await t.createWorkspace();

    const list = await t.app.inject({ url: '/v1/emails', headers: t.auth() });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((e: { id: string }) => e.id)).toEqual([id]);
    const one = await t.app.inject({ url: `/v1/emails/${id}`, headers: t.auth() });
    expect(one.json()).toMatchObject({
      id,
      object: 'email',
      to: 'ada@example.com',
      transport: 'capture',
      status: 'captured',
      html: '<p>HTML body</p>',
      headers: { 'List-Unsubscribe': '<https://example.com/u/1>' },
    });
    const foreign = await t.app.inject({ url: `/v1/emails/${id}`, headers: t.auth(other.apiKey) });
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'not_found']);

    const notices = t.logs.filter((line) => line.includes('email captured, not sent'));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]!)).toMatchObject({ level: 40, readAt: '/v1/emails' });
  });

  it('refuses header injection and headers that are ours', async () => {
    await expect(
      t.services.mailer.send({ ...message(t.workspaceId), subject: 'Hi\r\nBcc: x@evil.example' }),
    ).rejects.toThrow('single lines');
    await expect(
      t.services.mailer.send({ ...message(t.workspaceId), headers: { Bcc: 'x@evil.example' } }),
    ).rejects.toThrow('may not be set');
  });
});

describe.each(dialects)('SMTP mailer (%s)', (dialect) => {
  let t: TestContext;
  let smtp: SmtpStandIn;
  let clock: ManualClock;
  beforeEach(async () => {
    smtp = await startSmtpStandIn();
    clock = new ManualClock();
    t = await createTestContext(dialect, {
      clock,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Acme <hello@acme.example>' },
    });
  });
  afterEach(async () => {
    await t.close();
    await smtp.close();
  });

  const email = async (id: string) =>
    (await t.app.inject({ url: `/v1/emails/${id}`, headers: t.auth() })).json();

  it('delivers from a job, with our headers and both parts', async () => {
    const { id } = await t.services.mailer.send(message(t.workspaceId));
    expect(await email(id)).toMatchObject({ transport: 'smtp', status: 'queued' });
    expect(smtp.received).toHaveLength(0);

    await t.services.jobs.runDue();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.from).toBe('hello@acme.example');
    expect(mail.headers.get('list-unsubscribe')).toBe('<https://example.com/u/1>');
    expect(mail.headers.get('message-id')).toBe(`<${id}@127.0.0.1>`);
    expect(mail.text).toBe('Plain text body');
    expect(mail.html).toBe('<p>HTML body</p>');
    expect(await email(id)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
  });

  it('retries a server that says "try later" and loses nothing', async () => {
    smtp.refuseNext(2, 421);
    const { id } = await t.services.mailer.send(message(t.workspaceId));

    await t.services.jobs.runDue();
    expect(await email(id)).toMatchObject({ status: 'queued', attempts: 1 });
    clock.advance(SMTP_RETRY_DELAYS_MS[0]! - 1);
    expect(await t.services.jobs.runDue()).toBe(0);
    clock.advance(1);
    await t.services.jobs.runDue();
    expect(await email(id)).toMatchObject({ status: 'queued', attempts: 2 });
    clock.advance(SMTP_RETRY_DELAYS_MS[1]!);
    await t.services.jobs.runDue();

    expect(smtp.received).toHaveLength(1);
    expect(await email(id)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up at once on a permanent refusal', async () => {
    smtp.refuseNext(1, 550);
    const { id } = await t.services.mailer.send(message(t.workspaceId));
    await t.services.jobs.runDue();
    const failed = await email(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.last_error).toContain('550');
    clock.advance(SMTP_RETRY_DELAYS_MS[0]!);
    expect(await t.services.jobs.runDue()).toBe(0);
    expect(smtp.received).toHaveLength(0);
  });
});
