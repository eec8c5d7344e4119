import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { startHttpStandIn, type HttpStandIn } from '../../test/support/http-stand-in.js';
import { HUBSPOT_TOKEN, startHubspotStandIn } from '../../test/support/hubspot-stand-in.js';
import { renderSlackPayload, startSlackStandIn } from '../../test/support/slack-stand-in.js';
import { ACTION_RETRY_DELAYS_MS } from '../automations/rule-actions.js';

const dialects = await testDialects();

/** C03: a name and a text full of Slack's control characters and a channel ping. */
const C03_AUTHOR = 'Ben & Jerry’s Fan';
const C03_TEXT = '5/5 <3 — would order again & again >_< <!channel> free cake';

describe.each(dialects)('connections and rule actions (%s)', (dialect) => {
  let t: TestContext;
  let clock: ManualClock;
  let slack: Awaited<ReturnType<typeof startSlackStandIn>>;
  let hubspot: Awaited<ReturnType<typeof startHubspotStandIn>>;
  let crm: HttpStandIn;

  beforeEach(async () => {
    clock = new ManualClock();
    t = await createTestContext(dialect, { clock });
    slack = await startSlackStandIn();
    hubspot = await startHubspotStandIn({ 'ada@example.com': '501' });
    crm = await startHttpStandIn(() => ({ status: 202, body: '{"accepted":true}' }));
  });
  afterEach(async () => {
    await t.close();
    await Promise.all([slack.close(), hubspot.close(), crm.close()]);
  });

  const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: t.auth(), ...(payload === undefined ? {} : { payload }) });

  async function connection(body: object): Promise<string> {
    const res = await api('POST', '/v1/connections', body);
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  async function rule(trigger: string, actions: object[], conditions: object[] = []) {
    const res = await api('POST', '/v1/rules', { name: 'route it', trigger, conditions, actions });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  async function runs(ruleId: string) {
    return (await api('GET', `/v1/rules/${ruleId}/runs`)).json().data;
  }

  it('keeps secrets encrypted at rest and never returns them', async () => {
    const id = await connection({
      kind: 'slack',
      name: 'Wins',
      webhook_url: slack.webhookUrl,
      channel: '#wins',
    });
    const shown = (await api('GET', `/v1/connections/${id}`)).json();
    expect(shown).toMatchObject({
      kind: 'slack',
      settings: { channel: '#wins' },
      secret_hint: '…oken',
    });
    expect(JSON.stringify(shown)).not.toContain('standin0secret0token');
    const row = await t.services.db.kysely
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('standin0secret0token');

    const wrongField = await api('PATCH', `/v1/connections/${id}`, {
      access_token: 'x'.repeat(20),
    });
    expect([wrongField.statusCode, wrongField.json().errors[0].field]).toEqual([
      422,
      '/access_token',
    ]);
    const badUrl = await api('POST', '/v1/connections', {
      kind: 'slack',
      name: 'x',
      webhook_url: 'ftp://x.example',
    });
    expect([badUrl.statusCode, badUrl.json().errors[0].field]).toEqual([422, '/webhook_url']);
  });

  it('posts a Block Kit message with customer text escaped and our link intact (C03)', async () => {
    const slackId = await connection({
      kind: 'slack',
      name: 'Wins',
      webhook_url: slack.webhookUrl,
    });
    const ruleId = await rule('testimonial.created', [
      { type: 'notify_slack', connection_id: slackId },
    ]);
    const created = await api('POST', '/v1/testimonials', {
      text: C03_TEXT,
      author_name: C03_AUTHOR,
      author_company: 'Scoops <Inc>',
      rating: 5,
    });
    await t.services.jobs.runDue();

    expect(slack.received).toHaveLength(1);
    const payload = slack.received[0]!.json;
    const shown = renderSlackPayload(payload);
    expect(shown.visible).toContain(C03_TEXT);
    expect(shown.visible).toContain(`— ${C03_AUTHOR}, Scoops <Inc>`);
    expect(shown.pings).toEqual([]);
    expect(shown.fallback.pings).toEqual([]);
    expect(shown.fallback.visible).toContain(C03_TEXT);
    expect(shown.links).toEqual([`http://127.0.0.1:3000/v1/testimonials/${created.json().id}`]);
    expect(JSON.stringify(payload)).not.toContain('<!channel>');
    const [run] = await runs(ruleId);
    expect(run).toMatchObject({
      status: 'succeeded',
      actions: [{ status: 'succeeded', attempts: 1 }],
    });
  });

  it('records a 4xx from Slack as failed without retrying, and retries a 5xx without blocking others', async () => {
    const slackId = await connection({
      kind: 'slack',
      name: 'Wins',
      webhook_url: slack.webhookUrl,
    });
    const httpId = await connection({
      kind: 'http',
      name: 'CRM',
      url: `${crm.url}/hooks/testimonials`,
      headers: { Authorization: 'Bearer crm-secret-1234' },
      body_template: {
        id: '{{testimonial.id}}',
        stars: '{{testimonial.rating}}',
        note: 'By {{testimonial.author_name}}',
      },
    });
    const ruleId = await rule('testimonial.created', [
      { type: 'notify_slack', connection_id: slackId },
      { type: 'push_to_crm', connection_id: httpId },
    ]);

    slack.queue({ status: 404, body: 'channel_not_found' });
    await api('POST', '/v1/testimonials', { text: 'First', author_name: 'A', rating: 4 });
    await t.services.jobs.runDue();
    const [first] = await runs(ruleId);
    expect(first.status).toBe('failed');
    expect(first.actions).toMatchObject([
      {
        type: 'notify_slack',
        status: 'failed',
        attempts: 1,
        error: 'HTTP 404',
        result: { status_code: 404, response: 'channel_not_found' },
      },
      { type: 'push_to_crm', status: 'succeeded', attempts: 1 },
    ]);
    clock.advance(ACTION_RETRY_DELAYS_MS.at(-1)! * 2);
    await t.services.jobs.runDue();
    expect(slack.received).toHaveLength(1);

    slack.queue({ status: 503, body: 'service_unavailable' });
    await api('POST', '/v1/testimonials', { text: 'Second', author_name: 'B', rating: 5 });
    await t.services.jobs.runDue();
    let [second] = await runs(ruleId);
    expect(second.status).toBe('running');
    expect(second.actions.map((a: { status: string }) => a.status)).toEqual([
      'pending',
      'succeeded',
    ]);
    clock.advance(ACTION_RETRY_DELAYS_MS[0]!);
    await t.services.jobs.runDue();
    [second] = await runs(ruleId);
    expect(second).toMatchObject({
      status: 'succeeded',
      actions: [{ status: 'succeeded', attempts: 2 }, {}],
    });

    const crmRequest = crm.received.at(-1)!;
    expect(crmRequest.headers.authorization).toBe('Bearer crm-secret-1234');
    expect(crmRequest.json).toEqual({ id: expect.stringMatching(/^tst_/), stars: 5, note: 'By B' });
  });

  it('adds a note to the HubSpot contact found by email, through the configured base URL', async () => {
    const hubspotId = await connection({
      kind: 'hubspot',
      name: 'HubSpot',
      access_token: HUBSPOT_TOKEN,
      base_url: hubspot.url,
    });
    const ruleId = await rule(
      'testimonial.created',
      [{ type: 'push_to_crm', connection_id: hubspotId }],
      [{ field: 'testimonial.rating', op: '>=', value: 4 }],
    );
    await api('POST', '/v1/testimonials', {
      text: 'Low',
      author_name: 'Lo',
      rating: 2,
      author_email: 'ada@example.com',
    });
    await api('POST', '/v1/testimonials', {
      text: 'Love <it> & more',
      author_name: 'Ada',
      rating: 5,
      author_email: 'Ada@Example.com',
    });
    await t.services.jobs.runDue();

    expect(hubspot.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /crm/v3/objects/contacts/search',
      'POST /crm/v3/objects/notes',
    ]);
    expect(hubspot.notes).toHaveLength(1);
    expect(hubspot.notes[0]!.contactId).toBe('501');
    expect(hubspot.notes[0]!.body).toContain('Love &lt;it&gt; &amp; more');
    // The two runs are made by jobs that run side by side, so find each by what it is, not by position.
    const all: { matched: boolean; actions: unknown[] }[] = await runs(ruleId);
    expect(all).toHaveLength(2);
    const matched = all.find((run) => run.matched)!;
    const unmatched = all.find((run) => !run.matched)!;
    expect(matched.actions[0]).toMatchObject({
      status: 'succeeded',
      detail: 'note added in HubSpot (HTTP 201)',
    });
    expect(unmatched).toMatchObject({ matched: false, status: 'no_match' });
  });

  it('fails for good when HubSpot has no such contact', async () => {
    const hubspotId = await connection({
      kind: 'hubspot',
      name: 'HubSpot',
      access_token: HUBSPOT_TOKEN,
      base_url: hubspot.url,
    });
    const ruleId = await rule('testimonial.created', [
      { type: 'push_to_crm', connection_id: hubspotId },
    ]);
    await api('POST', '/v1/testimonials', {
      text: 'Hi',
      author_name: 'Zed',
      author_email: 'zed@example.com',
    });
    await t.services.jobs.runDue();
    const [run] = await runs(ruleId);
    expect(run.actions[0]).toMatchObject({
      status: 'failed',
      error: 'no HubSpot contact with this email',
    });
  });

  it('tags testimonials a rule matches when they are approved', async () => {
    const ruleId = await rule(
      'testimonial.approved',
      [{ type: 'add_tags', tags: ['happy', 'billing-praise'] }],
      [
        { field: 'testimonial.rating', op: '>=', value: 4 },
        { field: 'testimonial.tags', op: 'contains', value: 'billing' },
      ],
    );
    const created = await api('POST', '/v1/testimonials', {
      text: 'Billing is easy',
      author_name: 'A',
      rating: 5,
      tags: ['billing'],
    });
    await api('PATCH', `/v1/testimonials/${created.json().id}`, { status: 'approved' });
    await t.services.jobs.runDue();
    const tagged = (await api('GET', `/v1/testimonials/${created.json().id}`)).json();
    expect(tagged.tags).toEqual(['billing', 'billing-praise', 'happy']);
    expect((await runs(ruleId))[0].status).toBe('succeeded');
  });
});
