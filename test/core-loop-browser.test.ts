import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/platform/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { createTestDatabase, testDialects, type TestDatabase } from './support/databases.js';

/*
 * The core loop as a person meets it, in a real browser: submit the hosted form, approve
 * through the API, see the testimonial on a page of another origin, and a receiver gets
 * the signed `testimonial.approved` webhook.
 */

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const TEXT = 'Wonderful team 😍🎉 — فريق رائع، أنصح به بشدة';

interface Received {
  body: string;
  headers: Record<string, string>;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

const dialects = await testDialects();

describe.skipIf(!chromiumAvailable('the core loop browser test')).each(dialects)(
  'core loop in Chromium (%s)',
  (dialect) => {
    let database: TestDatabase;
    let server: RunningServer;
    let browser: Browser;
    let receiver: http.Server;
    let receiverUrl: string;
    let host: http.Server;
    let hostUrl: string;
    const received: Received[] = [];

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      receiver = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({
            body: Buffer.concat(chunks).toString('utf8'),
            headers: req.headers as Record<string, string>,
          });
          res.writeHead(204).end();
        });
      });
      receiverUrl = await listen(receiver);
      server = await startServer(
        parseConfig({
          PORT: '0',
          SHOWTRUST_DATA_DIR: database.dataDir,
          ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
          LOG_LEVEL: 'warn',
          WEBHOOKS_ALLOW_HTTP: 'true',
          WEBHOOKS_ALLOW_PRIVATE: 'true',
        }),
      );
      host = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html lang="en"><head><title>Customer site</title></head><body>` +
            `<h1>Our customers</h1><script src="${server.url}/embed.js" async></script>` +
            `<div data-showtrust-widget="${server.bootstrap.widgetId}"></div></body></html>`,
        );
      });
      hostUrl = await listen(host);
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await new Promise((r) => receiver?.close(r));
      await new Promise((r) => host?.close(r));
      await database?.drop();
    });

    async function api(method: string, url: string, body?: unknown) {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${server.bootstrap.apiKey}`,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        json: (await res.json()) as Record<string, unknown> & { data?: Record<string, unknown>[] },
      };
    }

    it('collects, moderates, displays and notifies', async () => {
      const endpoint = await api('POST', '/v1/webhook-endpoints', {
        url: `${receiverUrl}/hooks`,
        events: ['testimonial.approved'],
      });
      expect(endpoint.status).toBe(201);
      const secret = endpoint.json.secret as string;

      // Collect: a visitor fills the hosted form.
      const page = await browser.newPage();
      const dialogs: string[] = [];
      const consoleErrors: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(`${server.url}/f/default`);
      await page.locator('input[name="rating"][value="5"]').check({ force: true });
      await page.fill('textarea[name="text"]', TEXT);
      await page.fill('input[name="author_name"]', HOSTILE_NAME);
      await page.fill('input[name="author_title"]', 'CTO');
      await page.check('input[name="consent"]');
      await Promise.all([
        page.waitForURL(/\/f\/default\/thanks$/),
        page.click('button[type="submit"]'),
      ]);

      // Moderate: it waits as pending; approve it.
      const pending = await api('GET', '/v1/testimonials?status=pending');
      const submitted = pending.json.data!.find((t) => t.author_name === HOSTILE_NAME)!;
      expect(submitted).toMatchObject({
        text: TEXT,
        rating: 5,
        source: 'form',
        consent_given: true,
        status: 'pending',
      });
      const approved = await api('PATCH', `/v1/testimonials/${submitted.id}`, {
        status: 'approved',
      });
      expect(approved.json.status).toBe('approved');

      // Display: a page of another origin shows it as plain text.
      await page.goto(hostUrl);
      const widget = page.locator(`[data-showtrust-widget="${server.bootstrap.widgetId}"]`);
      await expect
        .poll(() => widget.evaluate((el) => el.shadowRoot?.textContent ?? ''), { timeout: 10_000 })
        .toContain(TEXT);
      const shadow = await widget.evaluate((el) => ({
        text: el.shadowRoot!.textContent,
        images: el.shadowRoot!.querySelectorAll('img').length,
      }));
      expect(shadow.text).toContain(HOSTILE_NAME);
      expect(shadow.images).toBe(0);
      expect(dialogs).toEqual([]);
      expect(consoleErrors).toEqual([]);

      // Notify: the receiver got testimonial.approved, signed by the Standard Webhooks rules.
      await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
      const delivery = received[0]!;
      const payload = new Webhook(secret).verify(delivery.body, delivery.headers) as {
        type: string;
        data: { id: string };
      };
      expect(payload.type).toBe('testimonial.approved');
      expect(payload.data.id).toBe(submitted.id);
      await page.close();
    });
  },
);
