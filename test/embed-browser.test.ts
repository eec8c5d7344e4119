import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/platform/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ensureBundle } from './support/widget-host.js';

/*
 * The embed script in Debian's Chromium, on a host page served from another origin than
 * ShowTrust: hostile text stays text, the layout holds at 320 px, space is reserved, every
 * failure leaves no box and no console noise, and a changing host page (C23) gets each
 * placeholder rendered exactly once.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') {
  throw new Error(
    `The embed browser tests need Chromium at ${CHROMIUM}, and CI=true requires them`,
  );
}
if (!hasChromium) {
  console.warn(`[showtrust tests] ${CHROMIUM} not found: the embed browser tests are skipped`);
}

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_TITLE = '"><svg onload=alert(1)>';
const WORLD_TEXT = 'Fast support 😍🚀 — خدمة ممتازة وسريعة، شكراً';
const LONG_URL = `https://example.com/${'a1b2c3d4e5'.repeat(16)}?q=1`;
const LONG_WORD = 'Donaudampfschifffahrtsgesellschaftskapitänsmützenhersteller';
/** The only console line allowed: the browser's own, for a request that failed. */
const BROWSER_NETWORK_LINE = /^Failed to load resource/;

interface PageWatch {
  page: Page;
  console: string[];
  errors: string[];
  dialogs: string[];
}

describe.skipIf(!hasChromium)('embed script in Chromium on another origin', () => {
  let dataDir: string;
  let server: RunningServer;
  let hostServer: http.Server;
  let hostUrl: string;
  let browser: Browser;
  let widgetId: string;

  async function api(method: string, url: string, body?: unknown) {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${server.bootstrap.apiKey}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect([url, res.status]).toEqual([url, method === 'POST' ? 201 : 200]);
    return res.json() as Promise<{ id: string }>;
  }

  async function approvedTestimonial(body: Record<string, unknown>): Promise<string> {
    const created = await api('POST', '/v1/testimonials', body);
    await api('PATCH', `/v1/testimonials/${created.id}`, { status: 'approved' });
    return created.id;
  }

  function hostPage(body: string): string {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer site</title>
<style>body { margin: 0; padding: 8px; } .st-card, p.st-text { display: none !important; }</style>
</head><body>${body}</body></html>`;
  }

  function servePages(request: http.IncomingMessage, response: http.ServerResponse) {
    const script = `<script src="${server.url}/embed.js" async></script>`;
    const pages: Record<string, string> = {
      '/': `<h1 id="host-title">Customer site</h1><p id="host-content">Our own content stays.</p>
<div id="reviews" data-showtrust-widget="${widgetId}"></div>
<p id="after">Footer text</p>${script}`,
      '/spa': `<div id="first" data-showtrust-widget="${widgetId}"></div>${script}${script}`,
    };
    const page = pages[request.url ?? ''];
    response.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page ? hostPage(page) : 'not found');
  }

  async function openPage(): Promise<PageWatch> {
    const page = await browser.newPage();
    const watch: PageWatch = { page, console: [], errors: [], dialogs: [] };
    page.on('console', (message) => {
      // The browser's own favicon probe is no page's doing.
      if (!message.location().url.endsWith('/favicon.ico')) watch.console.push(message.text());
    });
    page.on('pageerror', (error) => watch.errors.push(error.message));
    page.on('dialog', (dialog) => {
      watch.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return watch;
  }

  /** Waits until the placeholder shows cards, or (failed) shows only its fallback slot. */
  async function settled(page: Page, selector: string) {
    await page.waitForFunction((sel) => {
      const root = document.querySelector(sel)?.shadowRoot;
      return Boolean(root?.querySelector('.st-card') || root?.querySelector('slot'));
    }, selector);
  }

  beforeAll(async () => {
    ensureBundle();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-embed-'));
    server = await startServer(
      parseConfig({ HOST: '127.0.0.1', PORT: '0', SHOWTRUST_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
    );
    widgetId = server.bootstrap.widgetId;
    hostServer = http.createServer(servePages);
    await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });

    // Whole texts in the cards: this suite checks text, not excerpts (see widgets-browser).
    await api('PATCH', `/v1/widgets/${widgetId}`, { settings: { excerpt_length: 2000 } });
    await approvedTestimonial({
      author_name: 'Long Words',
      text: `See ${LONG_URL} and ${LONG_WORD}`,
      rating: 4,
      created_at: '2024-03-01T00:00:00.000Z',
    });
    await approvedTestimonial({
      author_name: HOSTILE_NAME,
      author_email: 'hidden@customer.example',
      author_title: HOSTILE_TITLE,
      author_company: 'Acme',
      text: WORLD_TEXT,
      rating: 5,
      created_at: '2024-03-02T00:00:00.000Z',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => hostServer?.close(resolve));
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders hostile and multilingual text as characters, runs no script, logs nothing', async () => {
    const { page, console, errors, dialogs } = await openPage();
    await page.goto(`${hostUrl}/`);
    await settled(page, '#reviews');

    const shown = await page.evaluate(() => {
      const root = document.querySelector('#reviews')!.shadowRoot!;
      const texts = (selector: string) =>
        Array.from(root.querySelectorAll(selector), (node) => node.textContent);
      const firstCard = root.querySelector('.st-card') as HTMLElement;
      return {
        names: texts('.st-name'),
        texts: texts('.st-text'),
        roles: texts('.st-role'),
        stars: Array.from(root.querySelectorAll('.st-stars'), (s) => s.getAttribute('aria-label')),
        dates: Array.from(root.querySelectorAll('time'), (t) => t.dateTime),
        imagesInWidget: root.querySelectorAll('img, svg').length,
        imagesOnPage: document.querySelectorAll('img, svg').length,
        cardVisible: firstCard.offsetHeight > 0,
        html: root.innerHTML,
      };
    });
    expect(shown.names).toEqual([HOSTILE_NAME, 'Long Words']);
    expect(shown.texts).toEqual([WORLD_TEXT, `See ${LONG_URL} and ${LONG_WORD}`]);
    expect(shown.roles).toEqual([`${HOSTILE_TITLE} · Acme`]);
    expect(shown.stars).toEqual(['5 out of 5 stars', '4 out of 5 stars']);
    expect(shown.dates).toEqual(['2024-03-02T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(shown.imagesInWidget).toBe(0);
    expect(shown.imagesOnPage).toBe(0);
    expect(shown.cardVisible).toBe(true);
    expect(shown.html).not.toContain('hidden@customer.example');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(console).toEqual([]);
    await page.close();
  });

  it('wraps a long URL and a long word inside the card at a 320 px viewport (C13)', async () => {
    const { page } = await openPage();
    await page.setViewportSize({ width: 320, height: 800 });
    await page.goto(`${hostUrl}/`);
    await settled(page, '#reviews');
    const layout = await page.evaluate(() => {
      const cards = document.querySelector('#reviews')!.shadowRoot!.querySelectorAll('.st-card');
      return {
        pageWidth: document.documentElement.scrollWidth,
        overflowing: Array.from(cards).filter((c) => c.scrollWidth > c.clientWidth).length,
        cardWidths: Array.from(cards, (c) => c.getBoundingClientRect().width),
      };
    });
    expect(layout.pageWidth).toBe(320);
    expect(layout.overflowing).toBe(0);
    for (const width of layout.cardWidths) expect(width).toBeLessThanOrEqual(320 - 16);
    await page.close();
  });

  it('reserves its space before the feed arrives', async () => {
    const { page, console } = await openPage();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let requested!: () => void;
    const feedRequested = new Promise<void>((resolve) => (requested = resolve));
    await page.route('**/public/v1/widgets/**', async (route) => {
      requested();
      await gate;
      await route.continue();
    });
    await page.goto(`${hostUrl}/`);
    await feedRequested;

    const waiting = await page.evaluate(() => ({
      height: document.querySelector('#reviews')!.getBoundingClientRect().height,
      busy: document.querySelector('#reviews')!.shadowRoot!.querySelector('[aria-busy="true"]')
        ? true
        : false,
    }));
    // A grid's reserved height, 36rem at the default 16 px root size.
    expect(waiting).toEqual({ height: 576, busy: true });
    release();
    await settled(page, '#reviews');
    const cards = await page.evaluate(
      () => document.querySelector('#reviews')!.shadowRoot!.querySelectorAll('.st-card').length,
    );
    expect(cards).toBe(2);
    expect(console).toEqual([]);
    await page.close();
  });

  const failures: Array<[string, Parameters<Page['route']>[1]]> = [
    ['a network error', (route) => route.abort('connectionrefused')],
    ['a 500 answer', (route) => route.fulfill({ status: 500, body: 'upstream broke' })],
    [
      'a body that is not JSON',
      (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: '<html>proxy' }),
    ],
    [
      'JSON of another shape',
      (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '[1,2]' }),
    ],
  ];

  it.each(failures)('removes its box quietly on %s', async (_name, handler) => {
    const { page, console, errors } = await openPage();
    await page.route('**/public/v1/widgets/**', handler);
    await page.goto(`${hostUrl}/`);
    await settled(page, '#reviews');

    const state = await page.evaluate(() => ({
      height: document.querySelector('#reviews')!.getBoundingClientRect().height,
      hostText: document.querySelector('#host-content')!.textContent,
      footerText: document.querySelector('#after')!.textContent,
    }));
    expect(state).toEqual({
      height: 0,
      hostText: 'Our own content stays.',
      footerText: 'Footer text',
    });
    expect(errors).toEqual([]);
    expect(console.filter((line) => !BROWSER_NETWORK_LINE.test(line))).toEqual([]);
    await page.close();
  });

  it('renders each placeholder once as a single-page app changes the page (C23)', async () => {
    const { page, console, errors } = await openPage();
    await page.addInitScript(() => {
      const Native = window.MutationObserver;
      const counted = window as unknown as { observersCreated: number };
      counted.observersCreated = 0;
      window.MutationObserver = class extends Native {
        constructor(callback: MutationCallback) {
          super(callback);
          // Playwright's own injected script observes too: count only those of our bundle.
          if (String(new Error().stack).includes('/embed.js')) counted.observersCreated += 1;
        }
      };
    });
    await page.goto(`${hostUrl}/spa`);
    await settled(page, '#first');

    await page.evaluate((id) => {
      const late = document.createElement('div');
      late.id = 'late';
      late.setAttribute('data-showtrust-widget', id);
      document.body.append(late);
    }, widgetId);
    await settled(page, '#late');

    await page.evaluate((id) => {
      const body = document.createElement('body');
      const swapped = document.createElement('div');
      swapped.id = 'swapped';
      swapped.setAttribute('data-showtrust-widget', id);
      body.append(swapped);
      document.body.replaceWith(body);
    }, widgetId);
    await settled(page, '#swapped');

    await page.evaluate(
      (src) =>
        new Promise((resolve, reject) => {
          const script = document.createElement('script');
          script.src = src;
          script.onload = resolve;
          script.onerror = reject;
          document.head.append(script);
        }),
      `${server.url}/embed.js`,
    );
    await page.evaluate((id) => {
      const again = document.createElement('div');
      again.id = 'again';
      again.setAttribute('data-showtrust-widget', id);
      document.body.append(again);
      // Moving a rendered placeholder must not render it a second time.
      document.body.prepend(document.querySelector('#swapped')!);
    }, widgetId);
    await settled(page, '#again');

    const counts = await page.evaluate(() => ({
      observers: (window as unknown as { observersCreated: number }).observersCreated,
      placeholders: Array.from(document.querySelectorAll('[data-showtrust-widget]'), (p) => [
        p.id,
        p.shadowRoot?.querySelectorAll('.st-grid').length,
        p.shadowRoot?.querySelectorAll('.st-card').length,
      ]),
    }));
    expect(counts).toEqual({
      observers: 1,
      placeholders: [
        ['swapped', 1, 2],
        ['again', 1, 2],
      ],
    });
    expect(errors).toEqual([]);
    expect(console).toEqual([]);
    await page.close();
  });

  it('shows the default widget on /demo under its strict CSP, styled, with a clean console', async () => {
    const { page, console, errors } = await openPage();
    await page.goto(`${server.url}/demo`);
    await settled(page, '[data-showtrust-widget]');
    const demo = await page.evaluate(() => {
      const root = document.querySelector('[data-showtrust-widget]')!.shadowRoot!;
      const card = root.querySelector('.st-card')!;
      return {
        cards: root.querySelectorAll('.st-card').length,
        border: getComputedStyle(card).borderTopWidth,
        code: document.querySelector('pre')!.textContent,
      };
    });
    expect(demo.cards).toBe(2);
    expect(demo.border).toBe('1px');
    expect(demo.code).toContain(
      `<div data-showtrust-widget="${widgetId}" data-showtrust-layout="grid"><svg slot="reserve"`,
    );
    expect(errors).toEqual([]);
    expect(console).toEqual([]);
    await page.close();
  });

  it('leaves the host page intact and clean when the ShowTrust server is down', async () => {
    const { page, console, errors, dialogs } = await openPage();
    await page.goto(`${hostUrl}/`);
    await settled(page, '#reviews');

    await server.close();
    await page.reload();
    await page.waitForLoadState('load');
    await page.waitForFunction(() => {
      const root = document.querySelector('#reviews')?.shadowRoot;
      return !root || Boolean(root.querySelector('slot'));
    });

    const state = await page.evaluate(() => ({
      height: document.querySelector('#reviews')!.getBoundingClientRect().height,
      title: document.querySelector('#host-title')!.textContent,
      hostText: document.querySelector('#host-content')!.textContent,
      footerText: document.querySelector('#after')!.textContent,
    }));
    expect(state).toEqual({
      height: 0,
      title: 'Customer site',
      hostText: 'Our own content stays.',
      footerText: 'Footer text',
    });
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(console.filter((line) => !BROWSER_NETWORK_LINE.test(line))).toEqual([]);
    await page.close();
  });
});
