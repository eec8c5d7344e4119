import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/platform/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { createTestDatabase, testDialects, type TestDatabase } from './support/databases.js';
import type { HttpStandIn } from './support/http-stand-in.js';
import { HUBSPOT_TOKEN, startHubspotStandIn } from './support/hubspot-stand-in.js';
import { renderSlackPayload, startSlackStandIn } from './support/slack-stand-in.js';
import { decodeHeader, startSmtpStandIn, type SmtpStandIn } from './support/smtp-stand-in.js';

/*
 * The testimonial machine end to end, with real servers: an NPS 10 from an enterprise
 * contact → a review request email received over SMTP → its link opened and submitted in
 * Chromium → a verified testimonial linked to the contact → a Slack message for the
 * enterprise channel and a HubSpot note. And the ways it must stay quiet: a score of 6,
 * the same event four times, an unsubscribed contact, a second event within the cooldown.
 */

const dialects = await testDialects();
const WAIT_MS = 20_000;

/** A JSON body as the API returns it; tests read the fields they check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-side view of API JSON
type Json = Record<string, any>;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!chromiumAvailable('the testimonial machine browser test')).each(dialects)(
  'testimonial machine end to end (%s)',
  (dialect) => {
    let database: TestDatabase;
    let server: RunningServer;
    let browser: Browser;
    let smtp: SmtpStandIn;
    let slack: Awaited<ReturnType<typeof startSlackStandIn>>;
    let hubspot: HttpStandIn & { notes: Array<{ contactId: string; body: string }> };
    let askRuleId: string;
    let routeRuleId: string;

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${server.bootstrap.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const nps = (id: string, email: string, score: number, segment = 'enterprise') =>
      api('POST', '/v1/customer-events', {
        id,
        type: 'nps.responded',
        occurred_at: new Date().toISOString(),
        contact: { email, name: 'Ada Lovelace', company: 'Acme', attributes: { segment } },
        properties: { score, comment: 'Best tool we bought this year' },
      });
    const runsOf = async (ruleId: string) =>
      (await api('GET', `/v1/rules/${ruleId}/runs?limit=100`)).body.data as Json[];
    const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));
    /** Waits until the ask rule has run for this many events and every run is finished. */
    const settledRuns = (count: number) =>
      waitFor(`${count} finished runs`, async () => {
        const runs = await runsOf(askRuleId);
        return runs.length === count && runs.every((r) => r.status !== 'running')
          ? runs
          : undefined;
      });
    /** No job is due any more: whatever the last step caused has happened. */
    const quiet = () =>
      waitFor('an idle job queue', async () => {
        const due = await server.services.db.kysely
          .selectFrom('jobs')
          .select('id')
          .where('run_at', '<=', new Date().toISOString())
          .where('status', 'in', ['queued', 'running'])
          .execute();
        return due.length === 0 ? true : undefined;
      });

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      smtp = await startSmtpStandIn();
      slack = await startSlackStandIn();
      hubspot = await startHubspotStandIn({ 'ada@acme.example': '801' });
      server = await startServer(
        parseConfig({
          PORT: '0',
          SHOWTRUST_DATA_DIR: database.dataDir,
          ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
          LOG_LEVEL: 'warn',
          WEBHOOKS_ALLOW_HTTP: 'true',
          WEBHOOKS_ALLOW_PRIVATE: 'true',
          JOB_POLL_INTERVAL_MS: '50',
          SMTP_URL: smtp.url,
          MAIL_FROM: 'Acme Reviews <reviews@acme.example>',
        }),
      );
      browser = await launchChromium();

      const forms = await api('GET', '/v1/forms');
      const formId = forms.body.data[0].id;
      const slackConnection = await api('POST', '/v1/connections', {
        kind: 'slack',
        name: 'Enterprise wins',
        webhook_url: slack.webhookUrl,
        channel: '#enterprise-wins',
      });
      const hubspotConnection = await api('POST', '/v1/connections', {
        kind: 'hubspot',
        name: 'HubSpot',
        access_token: HUBSPOT_TOKEN,
        base_url: hubspot.url,
      });
      const ask = await api('POST', '/v1/rules', {
        name: 'Ask enterprise promoters',
        trigger: 'nps.responded',
        conditions: [
          { field: 'properties.score', op: '>=', value: 9 },
          { field: 'contact.attributes.segment', op: '=', value: 'enterprise' },
        ],
        actions: [{ type: 'send_review_request', form_id: formId, cooldown_days: 30 }],
      });
      const route = await api('POST', '/v1/rules', {
        name: 'Enterprise testimonials to Slack and HubSpot',
        trigger: 'testimonial.created',
        conditions: [
          { field: 'contact.attributes.segment', op: '=', value: 'enterprise' },
          { field: 'testimonial.verified', op: '=', value: true },
        ],
        actions: [
          { type: 'notify_slack', connection_id: slackConnection.body.id },
          { type: 'push_to_crm', connection_id: hubspotConnection.body.id },
        ],
      });
      expect([ask.status, route.status]).toEqual([201, 201]);
      askRuleId = ask.body.id;
      routeRuleId = route.body.id;
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await Promise.all([smtp?.close(), slack?.close(), hubspot?.close()]);
      await database?.drop();
    });

    it('NPS 10 → email over SMTP → form in Chromium → verified testimonial → Slack and HubSpot', async () => {
      const accepted = await nps('nps-ada-1', 'ada@acme.example', 10);
      expect(accepted.status).toBe(202);

      const [mail] = await waitFor('the review request email', () =>
        mailsTo('ada@acme.example').length === 1 ? mailsTo('ada@acme.example') : undefined,
      );
      expect(mail!.from).toBe('reviews@acme.example');
      expect(decodeHeader(mail!.headers.get('subject')!)).toBe(
        'Ada, how is My workspace working for you?',
      );
      expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(mail!.headers.get('list-unsubscribe')).toMatch(new RegExp(`^<${server.url}/u/con_`));
      const link = new RegExp(`${server.url}/r/[A-Za-z0-9_-]{43}`).exec(mail!.text)![0];
      expect(mail!.html).toContain(`href="${link}"`);

      const page = await browser.newPage();
      await page.goto(link);
      expect(await page.inputValue('#author_name')).toBe('Ada Lovelace');
      expect(await page.inputValue('#author_email')).toBe('ada@acme.example');
      await page.check('#rating-5');
      await page.fill('#text', 'ShowTrust turned our happy customers into our sales team.');
      await page.fill('#author_company', 'Acme');
      await page.check('#consent');
      await Promise.all([page.waitForURL(/\/thanks$/), page.click('button[type=submit]')]);
      await page.close();

      const testimonial = await waitFor('the testimonial', async () => {
        const list = (await api('GET', '/v1/testimonials')).body.data as Json[];
        return list[0];
      });
      const [contact] = (await api('GET', '/v1/contacts?email=ada@acme.example')).body.data;
      expect(testimonial).toMatchObject({
        verified: true,
        contact_id: contact.id,
        status: 'pending',
        rating: 5,
      });
      const [request] = (await api('GET', '/v1/review-requests')).body.data;
      expect(request).toMatchObject({ status: 'completed', testimonial_id: testimonial.id });

      await waitFor('the Slack message and the HubSpot note', () =>
        slack.received.length === 1 && hubspot.notes.length === 1 ? true : undefined,
      );
      const slackRequest = slack.received[0]!;
      expect(slackRequest.headers['content-type']).toBe('application/json');
      const shown = renderSlackPayload(slackRequest.json);
      expect(shown.visible).toContain('ShowTrust turned our happy customers into our sales team.');
      expect(shown.visible).toContain('Segment: enterprise · Verified customer');
      expect(shown.links).toEqual([`${server.url}/v1/testimonials/${testimonial.id}`]);
      expect(
        hubspot.received.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`),
      ).toEqual([
        `POST /crm/v3/objects/contacts/search Bearer ${HUBSPOT_TOKEN}`,
        `POST /crm/v3/objects/notes Bearer ${HUBSPOT_TOKEN}`,
      ]);
      expect(hubspot.notes[0]).toMatchObject({ contactId: '801' });
      expect(hubspot.notes[0]!.body).toContain('Testimonial (5/5), verified customer');
      // A stand-in has the request before its action's result is recorded: wait for that.
      const routed = await waitFor('the routing run recorded', async () => {
        const [run] = await runsOf(routeRuleId);
        return run?.actions.every((a: Json) => a.status !== 'pending') ? run : undefined;
      });
      expect(routed.actions.map((a: Json) => a.status)).toEqual(['succeeded', 'succeeded']);
      if (process.env.SHOW_STAND_IN_REQUESTS) {
        console.info(
          JSON.stringify(
            { slack: slackRequest.json, hubspot: hubspot.received.map((r) => r.json) },
            null,
            2,
          ),
        );
      }
    });

    it('stays quiet: a score of 6, a repeated event, an unsubscribed contact, the cooldown', async () => {
      await nps('nps-cy-1', 'cy@acme.example', 6);
      const runs = await settledRuns(2);
      expect(runs[0]).toMatchObject({ matched: false, status: 'no_match' });

      const four = await Promise.all([
        nps('nps-bo-1', 'bo@acme.example', 10),
        nps('nps-bo-1', 'bo@acme.example', 10),
      ]);
      four.push(
        await nps('nps-bo-1', 'bo@acme.example', 10),
        await nps('nps-bo-1', 'bo@acme.example', 10),
      );
      expect(four.map((r) => r.status).sort()).toEqual([200, 200, 200, 202]);
      await waitFor('the one email to bo', () =>
        mailsTo('bo@acme.example').length === 1 ? true : undefined,
      );

      const unsubscribed = await api('POST', '/v1/contacts', {
        email: 'dee@acme.example',
        unsubscribed: true,
      });
      expect(unsubscribed.status).toBe(201);
      await nps('nps-dee-1', 'dee@acme.example', 10);
      await nps('nps-ada-2', 'ada@acme.example', 10);
      const settled = await settledRuns(5);
      expect(settled.slice(0, 2).map((r) => r.actions[0].detail)).toEqual([
        expect.stringMatching(/^cooldown: rvq_/),
        'the contact has unsubscribed',
      ]);
      await quiet();
      expect(mailsTo('cy@acme.example')).toHaveLength(0);
      expect(mailsTo('bo@acme.example')).toHaveLength(1);
      expect(mailsTo('dee@acme.example')).toHaveLength(0);
      expect(mailsTo('ada@acme.example')).toHaveLength(1);
      expect(smtp.received).toHaveLength(2);
    });
  },
);
