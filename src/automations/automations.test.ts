import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { REVIEW_GATING_WARNING } from './rule-schema.js';

const dialects = await testDialects();
const DAY_MS = 86_400_000;

interface Email {
  id: string;
  to: string;
  kind: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

describe.each(dialects)('customer events, rules and review requests (%s)', (dialect) => {
  let t: TestContext;
  let clock: ManualClock;
  let formId: string;

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-01-15T12:00:00.000Z'));
    t = await createTestContext(dialect, { clock });
    const forms = await t.app.inject({ url: '/v1/forms', headers: t.auth() });
    formId = forms.json().data[0].id;
  });
  afterEach(async () => t.close());

  const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: t.auth(), ...(payload === undefined ? {} : { payload }) });

  const event = (id: string, score: number, email = 'ada@example.com', segment = 'enterprise') => ({
    id,
    type: 'nps.responded',
    occurred_at: '2026-01-15T11:59:00.000Z',
    contact: { email, name: 'Ada Lovelace', attributes: { segment } },
    properties: { score, comment: 'Great tool' },
  });

  async function npsRule(extra: Record<string, unknown> = {}) {
    const res = await api('POST', '/v1/rules', {
      name: 'Ask promoters',
      trigger: 'nps.responded',
      conditions: [
        { field: 'properties.score', op: '>=', value: 9 },
        { field: 'contact.attributes.segment', op: '=', value: 'enterprise' },
      ],
      actions: [{ type: 'send_review_request', form_id: formId, cooldown_days: 60, ...extra }],
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  async function emails(): Promise<Email[]> {
    return (await api('GET', '/v1/emails?limit=100')).json().data;
  }

  async function drain() {
    // Bounded: each pass runs what is due; follow-up jobs are due at once.
    for (let i = 0; i < 10; i++) if ((await t.services.jobs.runDue()) === 0) return;
  }

  it('stores an event and its contact before answering, and acts on it from the queue', async () => {
    const rule = await npsRule();
    expect(rule.warnings).toEqual([REVIEW_GATING_WARNING]);

    const res = await api('POST', '/v1/customer-events', event('nps-1', 10));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      object: 'customer_event',
      external_id: 'nps-1',
      type: 'nps.responded',
    });
    const contacts = (await api('GET', '/v1/contacts')).json().data;
    expect(contacts).toMatchObject([
      { email: 'ada@example.com', attributes: { segment: 'enterprise' } },
    ]);
    expect(await emails()).toEqual([]);

    await drain();
    const sent = await emails();
    expect(sent.map((e) => [e.to, e.kind])).toEqual([['ada@example.com', 'review_request']]);
    const runs = (await api('GET', `/v1/rules/${rule.id}/runs`)).json().data;
    expect(runs).toMatchObject([
      {
        matched: true,
        status: 'succeeded',
        actions: [{ type: 'send_review_request', status: 'succeeded' }],
      },
    ]);
  });

  it('stores and acts on the same event id once, sent four times with two at once', async () => {
    await npsRule();
    const [a, b] = await Promise.all([
      api('POST', '/v1/customer-events', event('nps-dup', 10)),
      api('POST', '/v1/customer-events', event('nps-dup', 10)),
    ]);
    const c = await api('POST', '/v1/customer-events', event('nps-dup', 10));
    const d = await api('POST', '/v1/customer-events', event('nps-dup', 10));
    expect([a, b, c, d].map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 202]);
    expect(new Set([a, b, c, d].map((r) => r.json().id)).size).toBe(1);

    await drain();
    expect((await api('GET', '/v1/customer-events')).json().data).toHaveLength(1);
    expect((await api('GET', '/v1/review-requests')).json().data).toHaveLength(1);
    expect(await emails()).toHaveLength(1);
  });

  it('does nothing for a score of 6, and records why', async () => {
    const rule = await npsRule();
    await api('POST', '/v1/customer-events', event('nps-low', 6));
    await drain();
    expect(await emails()).toEqual([]);
    const [run] = (await api('GET', `/v1/rules/${rule.id}/runs`)).json().data;
    expect(run).toMatchObject({
      matched: false,
      status: 'no_match',
      actions: [],
      failed_conditions: [{ field: 'properties.score', op: '>=', value: 9 }],
    });
  });

  it('sends nothing to an unsubscribed contact', async () => {
    const rule = await npsRule();
    await api('POST', '/v1/contacts', { email: 'ada@example.com', unsubscribed: true });
    await api('POST', '/v1/customer-events', event('nps-unsub', 10));
    await drain();
    expect(await emails()).toEqual([]);
    const [run] = (await api('GET', `/v1/rules/${rule.id}/runs`)).json().data;
    expect(run.actions).toMatchObject([
      { status: 'skipped', detail: 'the contact has unsubscribed' },
    ]);
    const byHand = await api('POST', '/v1/review-requests', {
      contact: { email: 'ada@example.com' },
      form_id: formId,
    });
    expect([byHand.statusCode, byHand.json().code]).toEqual([422, 'validation_failed']);
  });

  it('asks once per cooldown, and again after it', async () => {
    const rule = await npsRule();
    await api('POST', '/v1/customer-events', event('nps-a', 10));
    await drain();
    clock.advance(59 * DAY_MS);
    await api('POST', '/v1/customer-events', event('nps-b', 9));
    await drain();
    expect((await emails()).filter((e) => e.kind === 'review_request')).toHaveLength(1);
    const [second] = (await api('GET', `/v1/rules/${rule.id}/runs`)).json().data;
    expect(second.actions[0].status).toBe('skipped');
    expect(second.actions[0].detail).toMatch(/^cooldown: rvq_/);

    clock.advance(2 * DAY_MS);
    await api('POST', '/v1/customer-events', event('nps-c', 10));
    await drain();
    expect((await emails()).filter((e) => e.kind === 'review_request')).toHaveLength(2);
  });

  it('accepts a 450 KB event and refuses a 6 MB one with a 413 problem (C04)', async () => {
    const big = { ...event('nps-big', 10), properties: { comment: 'x'.repeat(450 * 1024) } };
    const ok = await api('POST', '/v1/customer-events', big);
    expect(ok.statusCode).toBe(202);
    const huge = { ...event('nps-huge', 10), properties: { comment: 'x'.repeat(6 * 1024 * 1024) } };
    const refused = await api('POST', '/v1/customer-events', huge);
    expect([refused.statusCode, refused.json().code]).toEqual([413, 'payload_too_large']);
    const stored = (await api('GET', '/v1/customer-events')).json().data;
    expect(stored.map((e: { external_id: string }) => e.external_id)).toEqual(['nps-big']);
  });

  it('upserts contacts by external_id, else email, and refuses a split identity', async () => {
    const first = await api('POST', '/v1/contacts', {
      email: 'Bo@Example.com',
      external_id: 'crm-7',
      attributes: { plan: 'pro', seats: 10 },
    });
    expect([first.statusCode, first.json().email]).toEqual([201, 'bo@example.com']);
    const moved = await api('POST', '/v1/contacts', {
      email: 'bo@new.example',
      external_id: 'crm-7',
      attributes: { seats: null, segment: 'smb' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      id: first.json().id,
      email: 'bo@new.example',
      attributes: { plan: 'pro', segment: 'smb' },
    });
    await api('POST', '/v1/contacts', { email: 'cy@example.com' });
    const split = await api('POST', '/v1/contacts', {
      email: 'cy@example.com',
      external_id: 'crm-7',
    });
    expect([split.statusCode, split.json().code]).toEqual([409, 'conflict']);
  });

  it('refuses rules whose parts do not fit their trigger', async () => {
    const wrong = await api('POST', '/v1/rules', {
      name: 'x',
      trigger: 'testimonial.created',
      actions: [{ type: 'send_review_request', form_id: formId }],
    });
    expect([wrong.statusCode, wrong.json().errors[0].field]).toEqual([422, '/actions/0/type']);
    const noForm = await api('POST', '/v1/rules', {
      name: 'x',
      trigger: 'plan.upgraded',
      actions: [{ type: 'send_review_request', form_id: 'frm_nope' }],
    });
    expect([noForm.statusCode, noForm.json().errors[0].field]).toEqual([422, '/actions/0/form_id']);
    const ungated = await api('POST', '/v1/rules', {
      name: 'Upgrades',
      trigger: 'plan.upgraded',
      actions: [{ type: 'send_review_request', form_id: formId }],
    });
    expect(ungated.json().warnings).toEqual([]);
  });

  async function sentRequest() {
    const res = await api('POST', '/v1/review-requests', {
      contact: { email: 'ada@example.com', name: 'Ada Lovelace' },
      form_id: formId,
    });
    expect(res.statusCode).toBe(201);
    await drain();
    const [mail] = await emails();
    const link = /http:\/\/127\.0\.0\.1:3000(\/r\/[A-Za-z0-9_-]{43})/.exec(mail!.text)![1]!;
    return { request: res.json(), mail: mail!, link };
  }

  async function submit(path: string, fields: Record<string, string> = {}) {
    const page = await t.app.inject({ url: path });
    const token = /name="_token" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return t.app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://127.0.0.1:3000',
      },
      payload: new URLSearchParams({
        _token: token,
        rating: '5',
        text: 'It changed how we work.',
        author_name: 'Ada Lovelace',
        author_email: 'ada@example.com',
        consent: 'yes',
        ...fields,
      }).toString(),
    });
  }

  it('opens the form from the link, filled in, and completes it once as verified', async () => {
    const { request, mail, link } = await sentRequest();
    expect(mail.headers).toEqual({
      'List-Unsubscribe': expect.stringMatching(/^<http:\/\/127\.0\.0\.1:3000\/u\/con_[^>]+>$/),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(mail.html).toContain('Unsubscribe');

    const page = await t.app.inject({ url: link });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="Ada Lovelace"');
    expect(page.body).toContain('value="ada@example.com"');
    expect(page.body).toContain(`action="${link}"`);
    const opened = (await api('GET', `/v1/review-requests/${request.id}`)).json();
    expect(opened.status).toBe('opened');

    const posted = await submit(link);
    expect([posted.statusCode, posted.headers.location]).toEqual([303, `/f/${t.formSlug}/thanks`]);
    const done = (await api('GET', `/v1/review-requests/${request.id}`)).json();
    expect(done.status).toBe('completed');
    const testimonial = (await api('GET', `/v1/testimonials/${done.testimonial_id}`)).json();
    expect(testimonial).toMatchObject({
      verified: true,
      contact_id: request.contact_id,
      status: 'pending',
      source: 'form',
    });

    await api('PATCH', `/v1/testimonials/${testimonial.id}`, { status: 'approved' });
    const feed = await t.app.inject({ url: `/public/v1/widgets/${t.widgetId}` });
    expect(feed.json().testimonials).toMatchObject([{ id: testimonial.id, verified: true }]);

    const again = await submit(link);
    expect(again.statusCode).toBe(410);
    expect((await t.app.inject({ url: link })).statusCode).toBe(410);
    const all = (await api('GET', '/v1/testimonials')).json().data;
    expect(all).toHaveLength(1);
  });

  it('does not mark a testimonial verified when another address is given', async () => {
    const { link } = await sentRequest();
    await submit(link, { author_email: 'someone-else@example.com' });
    const [testimonial] = (await api('GET', '/v1/testimonials')).json().data;
    expect([testimonial.verified, testimonial.contact_id === null]).toEqual([false, false]);
  });

  it('expires the link after 30 days and reminds once before', async () => {
    const { request, link } = await sentRequest();
    expect(request.reminder_after_days).toBeNull();
    clock.advance(3 * DAY_MS);
    await drain();
    clock.advance(1 * DAY_MS);
    await drain();
    expect((await emails()).map((e) => e.kind).sort()).toEqual(['reminder', 'review_request']);

    clock.advance(27 * DAY_MS);
    await drain();
    expect((await api('GET', `/v1/review-requests/${request.id}`)).json().status).toBe('expired');
    expect((await t.app.inject({ url: link })).statusCode).toBe(410);
    expect(await emails()).toHaveLength(2);
  });

  it('sends at the time asked, and not at all once canceled', async () => {
    const later = await api('POST', '/v1/review-requests', {
      contact: { email: 'ada@example.com' },
      form_id: formId,
      send_at: '2026-01-16T09:00:00.000Z',
    });
    const canceled = await api('POST', '/v1/review-requests', {
      contact: { email: 'bo@example.com' },
      form_id: formId,
      send_at: '2026-01-16T09:00:00.000Z',
    });
    const cancel = await api('POST', `/v1/review-requests/${canceled.json().id}/cancel`, {});
    expect([cancel.statusCode, cancel.json().status]).toEqual([200, 'canceled']);
    const twice = await api('POST', `/v1/review-requests/${canceled.json().id}/cancel`, {});
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'conflict']);

    await drain();
    expect(await emails()).toEqual([]);
    clock.set('2026-01-16T09:00:00.000Z');
    await drain();
    expect((await emails()).map((e) => e.to)).toEqual(['ada@example.com']);
    expect((await api('GET', `/v1/review-requests/${later.json().id}`)).json()).toMatchObject({
      status: 'sent',
      sent_at: '2026-01-16T09:00:00.000Z',
      expires_at: '2026-02-15T09:00:00.000Z',
    });
  });

  it('unsubscribes in one POST (RFC 8058) and then sends no reminder', async () => {
    const { request, mail } = await sentRequest();
    const unsubscribeUrl = mail.headers['List-Unsubscribe']!.slice(1, -1).replace(
      'http://127.0.0.1:3000',
      '',
    );
    const confirm = await t.app.inject({ url: unsubscribeUrl });
    expect(confirm.statusCode).toBe(200);
    expect((await api('GET', `/v1/contacts/${request.contact_id}`)).json().unsubscribed).toBe(
      false,
    );

    const oneClick = await t.app.inject({
      method: 'POST',
      url: unsubscribeUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect((await api('GET', `/v1/contacts/${request.contact_id}`)).json().unsubscribed).toBe(true);
    const forged = await t.app.inject({
      method: 'POST',
      url: `${unsubscribeUrl.slice(0, -3)}abc`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(forged.statusCode).toBe(404);

    clock.advance(5 * DAY_MS);
    await drain();
    expect((await emails()).map((e) => e.kind)).toEqual(['review_request']);
  });

  it('uses the form template with variables, HTML escaped, and the workspace colours', async () => {
    await api('PATCH', '/v1/automation-settings', {
      brand_color: '#AA3300',
      accent_color: '#fffaf0',
    });
    const template = await api('POST', '/v1/email-templates', {
      form_id: formId,
      kind: 'review_request',
      subject: 'For {{contact.first_name}} at {{contact.company}}',
      text: 'Hello {{contact.name}}, here: {{link}}',
      html: '<p>Hello <b>{{contact.name}}</b></p><p><a href="{{link}}">Go</a></p>',
    });
    expect(template.statusCode).toBe(201);
    const bad = await api('POST', '/v1/email-templates', {
      form_id: formId,
      kind: 'reminder',
      subject: 'Hi {{contact.password}}',
      text: 'x',
    });
    expect([bad.statusCode, bad.json().errors[0].field]).toEqual([422, '/subject']);

    await api('POST', '/v1/review-requests', {
      contact: { email: 'mal@example.com', name: 'Mal <script>', company: 'Evil & Co' },
      form_id: formId,
    });
    await drain();
    const [mail] = await emails();
    expect(mail!.subject).toBe('For Mal at Evil & Co');
    expect(mail!.text).toMatch(/^Hello Mal <script>, here: http:\/\/127\.0\.0\.1:3000\/r\//);
    expect(mail!.text).toContain('Unsubscribe from these requests: http://127.0.0.1:3000/u/');
    expect(mail!.html).toContain('<b>Mal &lt;script&gt;</b>');
    expect(mail!.html).not.toContain('<script>');
    expect(mail!.html).toContain('background:#aa3300');
    expect(mail!.html).toContain('background:#fffaf0');
  });

  it('schedules local times across both clock changes, each email exactly once (C24)', async () => {
    await api('PATCH', '/v1/automation-settings', {
      time_zone: 'America/New_York',
      reminder_after_days: 3,
    });
    clock.set('2026-03-07T17:00:00.000Z'); // 12:00 EST, the day before clocks go forward
    const spring = await api('POST', '/v1/review-requests', {
      contact: { email: 'spring@example.com' },
      form_id: formId,
      send_at_local: '2026-03-08T02:30',
    });
    expect(spring.json()).toMatchObject({
      send_at: '2026-03-08T07:00:00.000Z',
      send_at_local: '2026-03-08T03:00:00-04:00',
      time_zone: 'America/New_York',
    });

    clock.set('2026-10-31T16:00:00.000Z'); // 12:00 EDT, the day before clocks go back
    const autumn = await api('POST', '/v1/review-requests', {
      contact: { email: 'autumn@example.com' },
      form_id: formId,
      send_at_local: '2026-11-01T01:30',
    });
    expect(autumn.json()).toMatchObject({
      send_at: '2026-11-01T05:30:00.000Z',
      send_at_local: '2026-11-01T01:30:00-04:00',
    });

    // Step through each weekend half an hour at a time, as a polling worker would.
    clock.set('2026-03-07T17:00:00.000Z');
    for (let step = 0; step < 48 * 5; step++) {
      clock.advance(1_800_000);
      await drain();
    }
    const springMails = (await emails()).filter((e) => e.to === 'spring@example.com');
    expect(springMails.map((e) => e.kind).sort()).toEqual(['reminder', 'review_request']);
    const springRow = (await api('GET', `/v1/review-requests/${spring.json().id}`)).json();
    expect(springRow).toMatchObject({
      sent_at: '2026-03-08T07:00:00.000Z',
      reminder_at: '2026-03-11T07:00:00.000Z',
      reminder_at_local: '2026-03-11T03:00:00-04:00',
    });

    clock.set('2026-10-31T16:00:00.000Z');
    for (let step = 0; step < 48 * 5; step++) {
      clock.advance(1_800_000);
      await drain();
    }
    const autumnMails = (await emails()).filter((e) => e.to === 'autumn@example.com');
    expect(autumnMails.map((e) => e.kind).sort()).toEqual(['reminder', 'review_request']);
    const autumnRow = (await api('GET', `/v1/review-requests/${autumn.json().id}`)).json();
    expect(autumnRow).toMatchObject({
      sent_at: '2026-11-01T05:30:00.000Z',
      reminder_at: '2026-11-04T06:30:00.000Z',
      reminder_at_local: '2026-11-04T01:30:00-05:00',
    });
  });
});
