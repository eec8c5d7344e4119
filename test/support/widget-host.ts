import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { parseConfig } from '../../src/platform/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { liveStreamsOf } from '../../src/widgets/routes.js';
import { WIDGET_KINDS, type WidgetKind } from '../../src/widgets/schema.js';
import { placeholderHtml } from '../../src/widgets/view/reserve.js';
import { WIDGET_ASSETS_DIR, type WidgetManifest } from '../../src/widgets/widget-assets.js';
import { launchChromium } from './browser.js';

/*
 * What the widget browser suites share: a ShowTrust server with testimonials and one
 * widget of each layout tagged `main`, a host page server on another origin (strict CSP,
 * hostile CSS, a buffering proxy under /st/, the server-rendered and iframe embeds), a
 * third-party origin whose frame attacks the iframe embed, and one Chromium per suite.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

export const HOSTILE = {
  author_name: 'Mateo <img src=x onerror=alert(1)>',
  author_title: '"><svg onload=alert(1)>',
  author_company: 'Acme',
  text: 'Works <script>alert(2)</script> & <b>well</b>',
};
export const LONG_URL = `https://example.com/${'a1b2c3d4e5'.repeat(16)}?q=1`;
export const LONG_WORD = 'Donaudampfschifffahrtsgesellschaftskapitänsmützenhersteller';
export const CUT_TEXT = `${'Reliable and friendly support every single time. '.repeat(5)}👩🏽‍💻🇧🇷é ${'More praise follows here. '.repeat(4)}`;
/** What a host may put inside the placeholder: shown only if the widget gives up. */
const FALLBACK_LINK = '<a id="fallback" href="https://example.com/reviews">Our reviews</a>';
/** The only console lines allowed: the browser's own, for a request that failed. */
export const BROWSER_NETWORK_LINE = /^Failed to load resource/;

/** Rules that make every inherited property and our own classes wrong, from a stylesheet. */
const HOSTILE_CSS = `
* { letter-spacing: 4px !important; line-height: 3 !important; text-transform: uppercase !important;
    word-spacing: 12px; font-style: italic; text-align: right; white-space: nowrap; color: #f0f !important; }
p, li, ul, span, a, button, section, footer, time, dialog, aside, strong, img { display: none !important; }
.st, .st-card, .st-text, .st-grid, .st-slider, .st-badge, .st-popup { display: none !important; }
div { border: 3px dashed red; font-size: 40px; }
a#fallback { display: block !important; }
`;

/** Builds the bundle when it is missing or older than its sources (`npm test` builds first). */
export function ensureBundle(): void {
  const newest = (dir: string): number =>
    Math.max(
      ...fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs;
      }),
    );
  const manifest = path.join(WIDGET_ASSETS_DIR, 'manifest.json');
  const sources = Math.max(
    newest(path.join(ROOT, 'web/widget')),
    newest(path.join(ROOT, 'src/widgets/view')),
  );
  if (fs.existsSync(manifest) && fs.statSync(manifest).mtimeMs >= sources) return;
  execFileSync(process.execPath, ['scripts/build-widget.mjs'], { cwd: ROOT, stdio: 'ignore' });
}

export interface Watched {
  page: Page;
  console: string[];
  errors: string[];
  dialogs: string[];
  requests: string[];
}

interface HostOptions {
  csp?: boolean;
  lang?: string;
  dir?: string;
  /** Script and feed through the host's own origin (a proxy under /st/). */
  proxied?: boolean;
  /** A link of the host's inside the placeholder, for when the widget gives up. */
  fallback?: boolean;
  /** The host's own reserved height in px, from its stylesheet, the spacer set to match. */
  reserve?: number;
}

/** Registers the suite's hooks (start, close pages after each test, stop) and returns its tools. */
export function useWidgetHost() {
  let dataDir: string;
  let server: RunningServer;
  let st: string;
  let host: http.Server;
  let hostOrigin: string;
  let ads: http.Server;
  let adsOrigin: string;
  let browser: Browser;
  let context: BrowserContext;
  let manifest: WidgetManifest;
  const widgets = {} as Record<WidgetKind, string>;
  /** Times measured along the way, printed at the end for the record (never asserted on). */
  const measured: Record<string, number> = {};

  async function api(method: string, url: string, body?: unknown) {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${server.bootstrap.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect([url, res.status]).toEqual([url, method === 'POST' ? 201 : 200]);
    return res.json() as Promise<{ id: string; slug: string }>;
  }

  const testimonial = (body: Record<string, unknown>) =>
    api('POST', '/v1/testimonials', { status: 'approved', author_name: 'Someone', ...body });

  function hostCsp(origin: string): string {
    return [
      "default-src 'none'",
      `script-src ${origin}`,
      `connect-src ${origin}`,
      `img-src ${origin}`,
      "style-src 'self'",
      `frame-src ${origin}`,
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
  }

  /** The embed code the API gives, pointed at `base`, its placeholder with the id `w`. */
  function placeholder(id: string, kind: string, base: string, options: HostOptions): string {
    let div = placeholderHtml(id, kind as WidgetKind).replace('<div ', '<div id="w" ');
    if (options.reserve) div = div.replace(/ height="\d+"/, ` height="${options.reserve}"`);
    if (options.fallback) div = div.replace(/<\/div>$/, `${FALLBACK_LINK}</div>`);
    return `${div}<script src="${base}/embed.js" async></script>`;
  }

  function hostDocument(body: string, options: HostOptions = {}): string {
    return `<!doctype html>
<html lang="${options.lang ?? 'en'}"${options.dir ? ` dir="${options.dir}"` : ''}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer site</title><link rel="stylesheet" href="/hostile.css">${options.reserve ? `<link rel="stylesheet" href="/reserve.css?px=${options.reserve}">` : ''}</head>
<body><main><h1>Customer site</h1><div id="before">Our own content.</div>${body}<div id="after">Footer text</div></main></body></html>`;
  }

  /** A reverse proxy to ShowTrust under /st/ that holds 4 KB unless told not to buffer (as nginx). */
  function proxy(request: http.IncomingMessage, response: http.ServerResponse) {
    const upstream = http.request(
      `${st}${(request.url ?? '').slice('/st'.length)}`,
      { method: request.method, headers: { ...request.headers, host: new URL(st).host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        if (answer.headers['x-accel-buffering'] === 'no') {
          answer.pipe(response);
          return;
        }
        let held: Buffer[] = [];
        let size = 0;
        answer.on('data', (chunk: Buffer) => {
          held.push(chunk);
          size += chunk.length;
          if (size < 4096) return;
          response.write(Buffer.concat(held));
          held = [];
          size = 0;
        });
        answer.on('end', () => response.end(Buffer.concat(held)));
      },
    );
    request.pipe(upstream);
    response.on('close', () => upstream.destroy());
  }

  async function serveHost(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? '/', hostOrigin);
    if (url.pathname.startsWith('/st/')) return proxy(request, response);
    if (url.pathname === '/hostile.css') {
      response.writeHead(200, { 'content-type': 'text/css' });
      return response.end(HOSTILE_CSS);
    }
    if (url.pathname === '/reserve.css') {
      response.writeHead(200, { 'content-type': 'text/css' });
      return response.end(`#w { --showtrust-reserve: ${Number(url.searchParams.get('px'))}px; }`);
    }
    const options: HostOptions = {
      csp: url.searchParams.get('csp') !== '0',
      lang: url.searchParams.get('lang') ?? undefined,
      dir: url.searchParams.get('dir') ?? undefined,
      proxied: url.searchParams.has('proxied'),
      fallback: url.searchParams.has('fallback'),
      reserve: Number(url.searchParams.get('reserve')) || undefined,
    };
    const id = url.searchParams.get('w') ?? '';
    const kind = url.searchParams.get('kind') ?? 'grid';
    let body = '';
    if (url.pathname === '/page') {
      body = placeholder(id, kind, options.proxied ? `${hostOrigin}/st` : st, options);
    } else if (url.pathname === '/static') {
      body = await (await fetch(`${st}/public/v1/widgets/${id}?format=html`)).text();
    } else if (url.pathname === '/frame') {
      body =
        `<iframe id="ours" src="${st}/embed/${id}" title="Testimonials" width="100%" height="300" ` +
        `data-showtrust-frame></iframe><iframe id="ads" src="${adsOrigin}/ads" title="Ad"></iframe>` +
        `<script src="${st}/embed.js" async></script>`;
    }
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
    if (options.csp) {
      headers['content-security-policy'] = hostCsp(options.proxied ? "'self'" : st).replace(
        `frame-src ${st}`,
        `frame-src ${st} ${adsOrigin}`,
      );
    }
    response.writeHead(body ? 200 : 404, headers);
    response.end(body ? hostDocument(body, options) : 'not found');
  }

  /** A third party's frame that tries to resize and steer the page, and to greet our frame. */
  function serveAds(_request: http.IncomingMessage, response: http.ServerResponse) {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><title>Ad</title><script>
      window.received = [];
      addEventListener('message', (e) => window.received.push(e.data));
      function attack() {
        parent.postMessage({ type: 'showtrust:height', height: 99999 }, '*');
        parent.postMessage({ type: 'showtrust:height', height: 120 }, '*');
        parent.postMessage({ type: 'open', url: 'https://evil.example/' }, '*');
        for (let i = 0; i < parent.frames.length; i++) parent.frames[i].postMessage({ type: 'showtrust:hello' }, '*');
      }
      setInterval(attack, 50);
    </script>`);
  }

  const pages: Page[] = [];
  afterEach(async () => {
    // Each open page holds a live stream: close them, or six would use up the origin's connections.
    for (const page of pages.splice(0)) await page.close();
    for (const extra of contexts.splice(0)) await extra.close();
  });
  /** A context of its own, for tests that fake the clock (page.clock installs per context). */
  const contexts: BrowserContext[] = [];
  async function ownContext(): Promise<BrowserContext> {
    const extra = await browser.newContext();
    contexts.push(extra);
    return extra;
  }

  async function open(
    url: string,
    setup?: (page: Page) => Promise<void>,
    within: BrowserContext = context,
  ): Promise<Watched> {
    const page = await within.newPage();
    pages.push(page);
    const watched: Watched = { page, console: [], errors: [], dialogs: [], requests: [] };
    page.on('console', (message) => {
      if (!message.location().url.endsWith('/favicon.ico')) watched.console.push(message.text());
    });
    page.on('pageerror', (error) => watched.errors.push(error.message));
    page.on('dialog', (dialog) => {
      watched.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => watched.requests.push(request.url()));
    await page.addInitScript(() => {
      const shifts = { total: 0 };
      (window as unknown as { layoutShift: typeof shifts }).layoutShift = shifts;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
        })[]) {
          if (!entry.hadRecentInput) shifts.total += entry.value;
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await setup?.(page);
    await page.goto(url);
    return watched;
  }

  const pageUrl = (kind: WidgetKind, params: Record<string, string> = {}) =>
    `${hostOrigin}/page?${new URLSearchParams({ w: widgets[kind], kind, ...params })}`;

  /** Waits until the placeholder shows its widget, or (failed) only its fallback slot. */
  async function settled(page: Page, { selector = '#w', fakeClock = false } = {}) {
    await page.waitForFunction((sel) => {
      const root = document.querySelector(sel)?.shadowRoot;
      return Boolean(
        root?.querySelector('.st[data-layout]:not(.st-loading)') || root?.querySelector('slot'),
      );
    }, selector);
    // Give measuring (clipped cards) and a frame of layout time to finish.
    if (fakeClock) await page.clock.runFor(300);
    else await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 250)));
  }

  /** The slider's or popup's state as a visitor sees it. */
  const rotation = (page: Page) =>
    page.evaluate(() => {
      const root = document.querySelector('#w')!.shadowRoot!;
      const slides = Array.from(root.querySelectorAll('.st-slide'));
      return {
        shown: slides.findIndex((slide) => !slide.hasAttribute('hidden')),
        name: root.querySelector('.st-popup .st-name, .st-slide:not([hidden]) .st-name')
          ?.textContent,
        status: root.querySelector('[data-st=status]')?.textContent ?? null,
        toggle: root.querySelector('[data-st=toggle]')?.textContent ?? null,
        animation: getComputedStyle(root.querySelector('.st-enter') ?? root.host).animationName,
      };
    });

  /** What has focus inside the widget: its `data-st` role or class, and whether a hidden slide holds it. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const active = document.querySelector('#w')!.shadowRoot!.activeElement;
      if (!active) return null;
      return {
        what: active.getAttribute('data-st') ?? active.className,
        inHidden: Boolean(active.closest('[hidden]')),
      };
    });

  /** Waits (up to 10 s) until the server holds this many streams of the widget. */
  async function waitForOpenStreams(widgetId: string, count: number) {
    const streams = liveStreamsOf(server.services)!;
    for (let i = 0; i < 200 && streams.openFor(widgetId) !== count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(streams.openFor(widgetId)).toBe(count);
  }

  const shownNames = (page: Page) => texts(page, '.st-name');

  const texts = (page: Page, selector: string) =>
    page.evaluate(
      (sel) =>
        Array.from(
          document.querySelector('#w')!.shadowRoot!.querySelectorAll(sel),
          (node) => node.textContent,
        ),
      selector,
    );

  /** The placeholder's height, its shadow root's children, and which of its own nodes show. */
  const placeholderState = (page: Page) =>
    page.evaluate(() => {
      const placeholder = document.querySelector('#w')!;
      return {
        height: placeholder.clientHeight,
        shadow: Array.from(placeholder.shadowRoot?.children ?? [], (c) => c.localName).join(),
        shown: Array.from(placeholder.children)
          .filter((child) => child.getClientRects().length > 0)
          .map((child) => child.id),
      };
    });

  const layoutShift = (page: Page) =>
    page.evaluate(
      () => (window as unknown as { layoutShift: { total: number } }).layoutShift.total,
    );

  function expectQuiet(watched: Watched) {
    expect(watched.errors).toEqual([]);
    expect(watched.dialogs).toEqual([]);
    expect(watched.console).toEqual([]);
  }

  beforeAll(async () => {
    ensureBundle();
    manifest = JSON.parse(fs.readFileSync(path.join(WIDGET_ASSETS_DIR, 'manifest.json'), 'utf8'));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-widgets-'));
    server = await startServer(
      parseConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        SHOWTRUST_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
      }),
    );
    st = server.url;
    host = http.createServer((req, res) => void serveHost(req, res));
    ads = http.createServer(serveAds);
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => ads.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    // Another origin for the third party: "localhost" is not 127.0.0.1 to a browser.
    adsOrigin = `http://localhost:${(ads.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext();

    const day = (d: number) => new Date(Date.UTC(2024, 2, d)).toISOString();
    await testimonial({
      tags: ['main'],
      author_name: 'Long Words',
      rating: 4,
      created_at: day(1),
      text: `See ${LONG_URL} and ${LONG_WORD}`,
    });
    for (let i = 0; i < 6; i++) {
      await testimonial({
        tags: ['main'],
        author_name: `Customer ${i + 1}`,
        author_company: 'Example GmbH',
        rating: 5 - (i % 2),
        created_at: day(2 + i),
        text: CUT_TEXT,
      });
    }
    await testimonial({
      tags: ['main'],
      author_name: 'سارة',
      rating: 5,
      created_at: day(9),
      text: 'خدمة ممتازة وسريعة، شكراً',
    });
    await testimonial({ tags: ['main'], ...HOSTILE, rating: 5, created_at: day(10) });
    for (const kind of WIDGET_KINDS) {
      widgets[kind] = (
        await api('POST', '/v1/widgets', {
          name: `Main ${kind}`,
          kind,
          settings: {
            tags: ['main'],
            limit: 9,
            autoplay_interval_ms: 3000,
            json_ld: kind === 'grid',
            json_ld_name: 'Acme CRM',
          },
        })
      ).id;
    }
  });

  afterAll(async () => {
    if (Object.keys(measured).length > 0) {
      console.info(`[widgets-browser] measured: ${JSON.stringify(measured)}`);
    }
    await browser?.close();
    await new Promise((resolve) => host?.close(resolve));
    await new Promise((resolve) => ads?.close(resolve));
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** axe-core over the placeholder of a page: injected as a script, so on a CSP-free copy. */
  async function axeViolations(url: string): Promise<string[]> {
    const watched = await open(url);
    await settled(watched.page);
    await watched.page.addScriptTag({ path: AXE });
    return watched.page.evaluate(async () => {
      type Result = { violations: { id: string; nodes: { target: unknown }[] }[] };
      const axe = (window as unknown as { axe: { run: (context: unknown) => Promise<Result> } })
        .axe;
      const result = await axe.run({ include: [['#w']] });
      return result.violations.map(
        (v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`,
      );
    });
  }

  return {
    get server() {
      return server;
    },
    get st() {
      return st;
    },
    get hostOrigin() {
      return hostOrigin;
    },
    get adsOrigin() {
      return adsOrigin;
    },
    get browser() {
      return browser;
    },
    get manifest() {
      return manifest;
    },
    widgets,
    measured,
    api,
    testimonial,
    open,
    ownContext,
    pageUrl,
    settled,
    rotation,
    focused,
    waitForOpenStreams,
    shownNames,
    texts,
    placeholderState,
    layoutShift,
    expectQuiet,
    axeViolations,
  };
}
