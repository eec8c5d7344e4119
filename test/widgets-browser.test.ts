import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/platform/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { liveStreamsOf } from '../src/widgets/routes.js';
import { WIDGET_KINDS, type WidgetKind } from '../src/widgets/schema.js';
import { placeholderHtml } from '../src/widgets/view/reserve.js';
import { WIDGET_ASSETS_DIR, type WidgetManifest } from '../src/widgets/widget-assets.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';

/*
 * Every layout in Debian's Chromium, embedded in a host page of another origin that sets
 * a strict Content-Security-Policy and hostile CSS: text stays text (C09), nothing shifts
 * (CLS 0), axe-core finds nothing, long words wrap at 320 px (C13), the slider obeys the
 * keyboard and reduced motion (C11, C12), right-to-left pages work, dates do not move
 * (C20), the iframe embed resizes only for its own frame (C10), live updates arrive
 * (C21) and stop with their placeholder (C23), and a server that is down costs nothing.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const hasChromium = chromiumAvailable('the widget browser tests');

const HOSTILE = {
  author_name: 'Mateo <img src=x onerror=alert(1)>',
  author_title: '"><svg onload=alert(1)>',
  author_company: 'Acme',
  text: 'Works <script>alert(2)</script> & <b>well</b>',
};
const LONG_URL = `https://example.com/${'a1b2c3d4e5'.repeat(16)}?q=1`;
const LONG_WORD = 'Donaudampfschifffahrtsgesellschaftskapitänsmützenhersteller';
const CUT_TEXT = `${'Reliable and friendly support every single time. '.repeat(5)}👩🏽‍💻🇧🇷é ${'More praise follows here. '.repeat(4)}`;
/** The only console lines allowed: the browser's own, for a request that failed. */
const BROWSER_NETWORK_LINE = /^Failed to load resource/;

/** Rules that make every inherited property and our own classes wrong, from a stylesheet. */
const HOSTILE_CSS = `
* { letter-spacing: 4px !important; line-height: 3 !important; text-transform: uppercase !important;
    word-spacing: 12px; font-style: italic; text-align: right; white-space: nowrap; color: #f0f !important; }
p, li, ul, span, a, button, section, footer, time, dialog, aside, strong, img { display: none !important; }
.st, .st-card, .st-text, .st-grid, .st-slider, .st-badge, .st-popup { display: none !important; }
div { border: 3px dashed red; font-size: 40px; }
`;

/** Builds the bundle when it is missing or older than its sources (`npm test` builds first). */
function ensureBundle(): void {
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

interface Watched {
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
}

describe.skipIf(!hasChromium)('widget layouts in Chromium on a strict host page', () => {
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
  function placeholder(id: string, kind: string, base: string): string {
    const div = placeholderHtml(id, kind as WidgetKind).replace('<div ', '<div id="w" ');
    return `${div}<script src="${base}/embed.js" async></script>`;
  }

  function hostDocument(body: string, options: HostOptions = {}): string {
    return `<!doctype html>
<html lang="${options.lang ?? 'en'}"${options.dir ? ` dir="${options.dir}"` : ''}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer site</title><link rel="stylesheet" href="/hostile.css"></head>
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
    const options: HostOptions = {
      csp: url.searchParams.get('csp') !== '0',
      lang: url.searchParams.get('lang') ?? undefined,
      dir: url.searchParams.get('dir') ?? undefined,
      proxied: url.searchParams.has('proxied'),
    };
    const id = url.searchParams.get('w') ?? '';
    const kind = url.searchParams.get('kind') ?? 'grid';
    let body = '';
    if (url.pathname === '/page') {
      body = placeholder(id, kind, options.proxied ? `${hostOrigin}/st` : st);
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
    console.info(`[widgets-browser] measured: ${JSON.stringify(measured)}`);
    await browser?.close();
    await new Promise((resolve) => host?.close(resolve));
    await new Promise((resolve) => ads?.close(resolve));
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fetches only the loader and the chunks of the layout on the page, from no other origin', async () => {
    const watched = await open(pageUrl('grid'));
    await settled(watched.page);
    const closure = (file: string, seen = new Set<string>()): Set<string> => {
      seen.add(file);
      for (const dep of (manifest as unknown as { imports: Record<string, string[]> }).imports[
        file
      ] ?? [])
        closure(dep, seen);
      return seen;
    };
    const chunks = watched.requests
      .filter((u) => u.includes('/widget/'))
      .map((u) => path.basename(u));
    expect(new Set(chunks)).toEqual(closure(manifest.layouts.grid!));
    for (const kind of ['slider', 'popup', 'badge', 'single'] as const) {
      expect(chunks).not.toContain(manifest.layouts[kind]);
    }
    const origins = new Set(watched.requests.map((u) => new URL(u).origin));
    expect(origins).toEqual(new Set([hostOrigin, st]));
    const state = await watched.page.evaluate(() => ({
      cookie: document.cookie,
      guard: Object.keys(
        (window as unknown as Record<symbol, object>)[Symbol.for('showtrust.embed')]!,
      ),
      globals: Object.getOwnPropertyNames(window).filter((name) =>
        /showtrust|testimon/i.test(name),
      ),
      jsonLd: document.querySelector('#w script[type="application/ld+json"]')?.textContent ?? '',
    }));
    expect(state.cookie).toBe('');
    // The page holds no data of ours beyond the widget it shows: no globals, a guard with a URL.
    expect(state.guard).toEqual(['startedBy']);
    expect(state.globals).toEqual([]);
    expect(JSON.parse(state.jsonLd)).toMatchObject({ '@type': 'Product', name: 'Acme CRM' });
    expectQuiet(watched);
  });

  it.each(WIDGET_KINDS)(
    '%s: customer text stays text under a strict CSP and hostile CSS, nothing shifts, nothing is logged',
    async (kind) => {
      const watched = await open(pageUrl(kind));
      await settled(watched.page);
      const { page } = watched;
      const shown = await page.evaluate(() => {
        const root = document.querySelector('#w')!.shadowRoot!;
        const text = root.querySelector('.st-text, .st-badge') as HTMLElement;
        const style = getComputedStyle(text);
        return {
          visible: text.getBoundingClientRect().height > 0,
          letterSpacing: style.letterSpacing,
          textTransform: style.textTransform,
          whiteSpace: style.whiteSpace,
          markup: root.querySelectorAll('img, svg, script, b').length,
          height: document.querySelector('#w')!.getBoundingClientRect().height,
        };
      });
      expect(shown).toMatchObject({
        visible: true,
        letterSpacing: 'normal',
        textTransform: 'none',
        markup: 0,
      });
      if (kind === 'badge') {
        const feed = await (await fetch(`${st}/public/v1/widgets/${widgets.badge}`)).json();
        expect(await texts(page, '.st-badge strong')).toEqual([String(feed.summary.average)]);
      } else {
        expect(await texts(page, '.st-name')).toContain(HOSTILE.author_name);
        expect(await texts(page, '.st-role')).toContain(`${HOSTILE.author_title} · Acme`);
        expect(await texts(page, '.st-text')).toContain(HOSTILE.text);
      }
      // The reserved height is the rendered height: the footer below never moved.
      expect(await layoutShift(page)).toBe(0);
      expectQuiet(watched);
    },
  );

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

  it.each(WIDGET_KINDS)('%s: no axe-core violations', async (kind) => {
    expect(await axeViolations(pageUrl(kind, { csp: '0' }))).toEqual([]);
  });

  it.each(['grid', 'slider', 'popup', 'badge'] as const)(
    '%s: no axe-core violations in the dark theme, nor right to left',
    async (kind) => {
      const id = (
        await api('POST', '/v1/widgets', {
          name: `Dark ${kind}`,
          kind,
          settings: { tags: ['main'], theme: 'dark' },
        })
      ).id;
      const dark = `${hostOrigin}/page?w=${id}&kind=${kind}&csp=0`;
      expect(await axeViolations(dark)).toEqual([]);
      expect(await axeViolations(pageUrl(kind, { csp: '0', lang: 'ar', dir: 'rtl' }))).toEqual([]);
    },
  );

  it.each(WIDGET_KINDS)(
    '%s: long URLs and words wrap inside the cards at a 320 px viewport (C13)',
    async (kind) => {
      const watched = await open(pageUrl(kind), (page) =>
        page.setViewportSize({ width: 320, height: 800 }),
      );
      await settled(watched.page);
      const layout = await watched.page.evaluate(() => {
        const placeholder = document.querySelector('#w')!;
        const root = placeholder.shadowRoot!;
        const boxes = Array.from(root.querySelectorAll('.st-card, .st-badge'));
        // The hostile CSS makes the host's own text overflow the page; ours stays inside.
        return {
          widgetOverflow: placeholder.scrollWidth - placeholder.clientWidth,
          boxes: boxes.length,
          overflowing: boxes.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.className),
          outside: boxes.filter((b) => {
            const r = b.getBoundingClientRect();
            return r.width > 0 && (r.left < 0 || r.right > 320);
          }).length,
        };
      });
      expect(layout.widgetOverflow).toBe(0);
      expect(layout.boxes).toBeGreaterThan(0);
      expect(layout.overflowing).toEqual([]);
      expect(layout.outside).toBe(0);
      expectQuiet(watched);
    },
  );

  it('slider: only the shown slide can be focused; Enter, Space and arrows move it; read more opens a dialog (C12)', async () => {
    const { page } = await open(pageUrl('slider'));
    await settled(page);
    const order: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused(page));
    }
    // Rotation control first, then the slide controls and the link; the first slide (short
    // text) has no "read more", and nothing in the eight hidden slides is reached.
    expect(order).toEqual([
      { what: 'toggle', inHidden: false },
      { what: 'prev', inHidden: false },
      { what: 'next', inHidden: false },
      { what: 'st-powered', inHidden: false },
      null,
    ]);
    const hiddenFocusable = await page.evaluate(() => {
      const root = document.querySelector('#w')!.shadowRoot!;
      const inside = Array.from(root.querySelectorAll<HTMLElement>('[hidden] button, [hidden] a'));
      inside.forEach((el) => el.focus());
      return { count: inside.length, focused: inside.includes(root.activeElement as HTMLElement) };
    });
    expect(hiddenFocusable).toEqual({ count: 7, focused: false });
    for (let i = 0; i < 2; i++) await page.keyboard.press('Shift+Tab');

    expect(await focused(page)).toEqual({ what: 'next', inHidden: false });
    await page.keyboard.press('Enter');
    expect(await rotation(page)).toMatchObject({ shown: 1, status: '2 of 9', toggle: 'Pause' });
    await page.keyboard.press('Space');
    expect((await rotation(page)).shown).toBe(2);
    await page.keyboard.press('ArrowLeft');
    expect((await rotation(page)).shown).toBe(1);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    expect((await rotation(page)).shown).toBe(0);
    expect(await focused(page)).toEqual({ what: 'prev', inHidden: false });

    // A long slide's "read more": the whole text in a modal dialog, Escape returns.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect((await rotation(page)).shown).toBe(2);
    for (let i = 0; i < 2; i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toEqual({ what: 'read', inHidden: false });
    const excerpt = await page.evaluate(
      () =>
        document.querySelector('#w')!.shadowRoot!.querySelector('.st-slide:not([hidden]) .st-text')!
          .textContent!,
    );
    await page.keyboard.press('Enter');
    const dialog = await page.evaluate(() => {
      const open = document.querySelector('#w')!.shadowRoot!.querySelector('dialog')!;
      return { open: open.open, text: open.querySelector('.st-text')!.textContent };
    });
    expect(dialog).toEqual({ open: true, text: CUT_TEXT.trim() });
    // C22: the excerpt ends between grapheme clusters, with an ellipsis.
    expect(excerpt.endsWith('…')).toBe(true);
    expect(CUT_TEXT.startsWith(excerpt.slice(0, -1).trimEnd())).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () => document.querySelector('#w')!.shadowRoot!.querySelector('dialog') === null,
    );
    expect(await focused(page)).toEqual({ what: 'read', inHidden: false });
  });

  it('slider and popup advance by themselves and stop on hover, on focus and with the pause button (C11)', async () => {
    const { page } = await open(pageUrl('slider'), (p) => p.clock.install(), await ownContext());
    await settled(page, { fakeClock: true });
    expect(await rotation(page)).toMatchObject({ shown: 0, toggle: 'Pause' });
    await page.clock.runFor(3_100);
    expect((await rotation(page)).shown).toBe(1);

    await page.hover('#w');
    await page.clock.runFor(10_000);
    expect((await rotation(page)).shown).toBe(1);
    await page.mouse.move(1, 1);
    await page.clock.runFor(3_100);
    expect((await rotation(page)).shown).toBe(2);

    await page.evaluate(() =>
      document
        .querySelector('#w')!
        .shadowRoot!.querySelector<HTMLElement>('[data-st=next]')!
        .focus(),
    );
    await page.clock.runFor(10_000);
    expect((await rotation(page)).shown).toBe(2);
    await page.evaluate(() =>
      (document.querySelector('#w')!.shadowRoot!.activeElement as HTMLElement).blur(),
    );
    await page.clock.runFor(3_100);
    expect((await rotation(page)).shown).toBe(3);

    await page.evaluate(() =>
      document
        .querySelector('#w')!
        .shadowRoot!.querySelector<HTMLElement>('[data-st=toggle]')!
        .focus(),
    );
    await page.keyboard.press('Enter');
    await page.evaluate(() =>
      (document.querySelector('#w')!.shadowRoot!.activeElement as HTMLElement).blur(),
    );
    await page.clock.runFor(20_000);
    expect(await rotation(page)).toMatchObject({ shown: 3, toggle: 'Play' });

    const popup = (await open(pageUrl('popup'), (p) => p.clock.install(), await ownContext())).page;
    await settled(popup, { fakeClock: true });
    const first = await rotation(popup);
    expect(first).toMatchObject({ name: HOSTILE.author_name, toggle: 'Pause' });
    await popup.hover('#w .st-popup').catch(() => popup.mouse.move(1100, 600));
    await popup.clock.runFor(10_000);
    expect((await rotation(popup)).name).toBe(HOSTILE.author_name);
    await popup.mouse.move(1, 1);
    await popup.clock.runFor(3_100);
    expect((await rotation(popup)).name).not.toBe(HOSTILE.author_name);
  });

  it('under prefers-reduced-motion nothing moves: paused with a play button, no animation; switching it on live stops rotation (C11)', async () => {
    const reduced = (
      await open(
        pageUrl('slider'),
        async (p) => {
          await p.emulateMedia({ reducedMotion: 'reduce' });
          await p.clock.install();
        },
        await ownContext(),
      )
    ).page;
    await settled(reduced, { fakeClock: true });
    await reduced.clock.runFor(20_000);
    expect(await rotation(reduced)).toMatchObject({ shown: 0, toggle: 'Play', animation: 'none' });

    const popup = (
      await open(
        pageUrl('popup'),
        async (p) => {
          await p.emulateMedia({ reducedMotion: 'reduce' });
          await p.clock.install();
        },
        await ownContext(),
      )
    ).page;
    await settled(popup, { fakeClock: true });
    await popup.clock.runFor(20_000);
    expect(await rotation(popup)).toMatchObject({
      name: HOSTILE.author_name,
      toggle: 'Play',
      animation: 'none',
    });

    const switched = (await open(pageUrl('slider'), (p) => p.clock.install(), await ownContext()))
      .page;
    await settled(switched, { fakeClock: true });
    await switched.clock.runFor(3_100);
    expect(await rotation(switched)).toMatchObject({
      shown: 1,
      toggle: 'Pause',
      animation: 'st-fade',
    });
    await switched.emulateMedia({ reducedMotion: 'reduce' });
    // The change event comes with the page's next rendering update, in real time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rotation(switched)).toggle).toBe('Play');
    await switched.clock.runFor(20_000);
    expect(await rotation(switched)).toMatchObject({ shown: 1, toggle: 'Play' });
  });

  it('follows a right-to-left page: Arabic labels, rtl direction, mirrored arrows, no overflow', async () => {
    const { page, console: logged } = await open(
      pageUrl('slider', { lang: 'ar', dir: 'rtl' }),
      (p) => p.setViewportSize({ width: 320, height: 800 }),
    );
    await settled(page);
    const rtl = await page.evaluate(() => {
      const root = document.querySelector('#w')!.shadowRoot!;
      const widget = root.querySelector('.st')!;
      return {
        lang: widget.getAttribute('lang'),
        dir: getComputedStyle(widget).direction,
        label: root.querySelector('section')!.getAttribute('aria-label'),
        next: root.querySelector('[data-st=next]')!.getAttribute('aria-label'),
        overflow:
          document.querySelector('#w')!.scrollWidth - document.querySelector('#w')!.clientWidth,
      };
    });
    expect(rtl).toEqual({
      lang: 'ar',
      dir: 'rtl',
      label: 'آراء العملاء',
      next: 'الرأي التالي',
      overflow: 0,
    });
    expect((await rotation(page)).toggle).toBe('إيقاف مؤقت');
    await page.evaluate(() =>
      document
        .querySelector('#w')!
        .shadowRoot!.querySelector<HTMLElement>('[data-st=next]')!
        .focus(),
    );
    // In a right-to-left page the right arrow goes back.
    await page.keyboard.press('ArrowRight');
    expect((await rotation(page)).shown).toBe(8);
    expect(logged).toEqual([]);
  });

  it('shows a date-only value as that calendar day, and a timestamp by its UTC day, in every time zone (C20)', async () => {
    const id = (
      await api('POST', '/v1/widgets', {
        name: 'Dates',
        kind: 'list',
        settings: { tags: ['dates'] },
      })
    ).id;
    await testimonial({
      tags: ['dates'],
      text: 'Imported',
      created_at: '2024-03-01T00:00:00.000Z',
    });
    await testimonial({
      tags: ['dates'],
      text: 'Submitted',
      created_at: '2024-03-01T23:30:00-08:00',
    });
    for (const timezoneId of ['America/Los_Angeles', 'Europe/Berlin', 'Pacific/Auckland']) {
      const zoned = await browser.newContext({ timezoneId });
      try {
        const page = await zoned.newPage();
        await page.goto(`${hostOrigin}/page?w=${id}&kind=list`);
        await settled(page);
        const dates = await page.evaluate(() =>
          Array.from(document.querySelector('#w')!.shadowRoot!.querySelectorAll('time'), (t) => [
            t.textContent,
            t.dateTime,
          ]),
        );
        expect([timezoneId, dates]).toEqual([
          timezoneId,
          [
            ['Mar 2, 2024', '2024-03-02T07:30:00.000Z'],
            ['Mar 1, 2024', '2024-03-01T00:00:00.000Z'],
          ],
        ]);
      } finally {
        await zoned.close();
      }
    }
  });

  it('iframe embed: sizes itself to its content through messages only from its own frame (C10)', async () => {
    const { page, console: logged, errors } = await open(`${hostOrigin}/frame?w=${widgets.grid}`);
    await page.waitForFunction(
      () => document.querySelector<HTMLIFrameElement>('#ours')!.height === '576',
    );
    // The third-party frame keeps posting 99999 and 120 and an "open" request meanwhile.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1_000)));
    const state = await page.evaluate(() => ({
      height: document.querySelector<HTMLIFrameElement>('#ours')!.height,
      url: location.href,
    }));
    expect(state).toEqual({ height: '576', url: `${hostOrigin}/frame?w=${widgets.grid}` });
    const adsFrame = page.frames().find((frame) => frame.url().startsWith(adsOrigin))!;
    const leaked = await adsFrame.evaluate(() =>
      (window as unknown as { received: { type?: string }[] }).received.filter(
        (m) => m?.type === 'showtrust:height',
      ),
    );
    expect(leaked).toEqual([]);
    const ours = page.frames().find((frame) => frame.url().startsWith(`${st}/embed/`))!;
    expect(
      await ours.evaluate(
        () =>
          document
            .querySelector('[data-showtrust-widget]')!
            .shadowRoot!.querySelectorAll('.st-card').length,
      ),
    ).toBe(9);
    expect(errors).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('server-rendered HTML inlined into a page is readable with JavaScript off', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await noScript.newPage();
      await page.goto(`${hostOrigin}/static?w=${widgets.grid}&csp=0`);
      const shown = await page.evaluate(() => {
        const root = document.querySelector('[data-showtrust-static]')!.shadowRoot!;
        const card = root.querySelector('.st-card') as HTMLElement;
        return {
          cards: root.querySelectorAll('.st-card').length,
          visible: card.getBoundingClientRect().height > 0,
          border: getComputedStyle(card).borderTopWidth,
          names: Array.from(root.querySelectorAll('.st-name'), (n) => n.textContent),
          link: root.querySelector('.st-foot a')!.getAttribute('href'),
        };
      });
      expect(shown).toMatchObject({ cards: 9, visible: true, border: '1px' });
      expect(shown.names).toContain(HOSTILE.author_name);
      expect(shown.link).toMatch(new RegExp(`^${st}/w/main-grid-`));
    } finally {
      await noScript.close();
    }
  });

  it('"load more" appends the next page through the feed cursor, moving nothing by itself', async () => {
    const id = (
      await api('POST', '/v1/widgets', {
        name: 'More',
        kind: 'grid',
        settings: { tags: ['main'], limit: 3 },
      })
    ).id;
    const { page } = await open(`${hostOrigin}/page?w=${id}&kind=grid`);
    await settled(page);
    expect((await shownNames(page)).length).toBe(3);
    // Three cards fill less than the reserved height, so the first render may fold it; what
    // counts here is that loading more adds nothing beyond the visitor's own clicks.
    const before = await layoutShift(page);
    for (const expected of [6, 9]) {
      // A real click: a shift right after the visitor's input is theirs, not a layout shift.
      await page.locator('#w [data-st=more]').click();
      await page.waitForFunction(
        (n) => document.querySelector('#w')!.shadowRoot!.querySelectorAll('.st-card').length === n,
        expected,
      );
    }
    expect(
      await page.evaluate(
        () =>
          document.querySelector('#w')!.shadowRoot!.querySelector<HTMLElement>('[data-st=more]')!
            .hidden,
      ),
    ).toBe(true);
    expect(new Set(await shownNames(page)).size).toBe(9);
    expect(await layoutShift(page)).toBe(before);
  });

  it('shows an approval within a second and drops a deletion, over the live stream (C21)', async () => {
    const id = (
      await api('POST', '/v1/widgets', { name: 'Live', kind: 'grid', settings: { tags: ['live'] } })
    ).id;
    await testimonial({ tags: ['live'], author_name: 'Already there', text: 'First' });
    const watched = await open(`${hostOrigin}/page?w=${id}&kind=grid`);
    await settled(watched.page);
    await waitForOpenStreams(id, 1);

    const pending = await api('POST', '/v1/testimonials', {
      tags: ['live'],
      author_name: 'Just approved',
      text: 'Appears live',
    });
    const started = Date.now();
    await api('PATCH', `/v1/testimonials/${pending.id}`, { status: 'approved' });
    await watched.page.waitForFunction(
      () =>
        Array.from(
          document.querySelector('#w')!.shadowRoot!.querySelectorAll('.st-name'),
          (n) => n.textContent,
        ).includes('Just approved'),
      undefined,
      { timeout: 10_000 },
    );
    measured.liveApprovalMs = Date.now() - started;
    expect(await shownNames(watched.page)).toEqual(['Just approved', 'Already there']);

    const removing = Date.now();
    await api('DELETE', `/v1/testimonials/${pending.id}`);
    await watched.page.waitForFunction(
      () =>
        !Array.from(
          document.querySelector('#w')!.shadowRoot!.querySelectorAll('.st-name'),
          (n) => n.textContent,
        ).includes('Just approved'),
      undefined,
      { timeout: 10_000 },
    );
    measured.liveRemovalMs = Date.now() - removing;
    expect(await shownNames(watched.page)).toEqual(['Already there']);
    expectQuiet(watched);
  });

  it('served from the customer’s own domain through a buffering proxy: one origin only, and live updates pass (C21)', async () => {
    const id = (
      await api('POST', '/v1/widgets', {
        name: 'Proxied',
        kind: 'list',
        settings: { tags: ['proxied'] },
      })
    ).id;
    await testimonial({ tags: ['proxied'], author_name: 'Through the proxy', text: 'Hello' });
    const watched = await open(`${hostOrigin}/page?w=${id}&kind=list&proxied=1`);
    await settled(watched.page);
    await waitForOpenStreams(id, 1);

    const started = Date.now();
    await testimonial({
      tags: ['proxied'],
      author_name: 'Also proxied',
      text: 'Live through nginx-like buffering',
    });
    await watched.page.waitForFunction(
      () =>
        Array.from(
          document.querySelector('#w')!.shadowRoot!.querySelectorAll('.st-name'),
          (n) => n.textContent,
        ).includes('Also proxied'),
      undefined,
      { timeout: 10_000 },
    );
    measured.liveThroughProxyMs = Date.now() - started;
    expect(new Set(watched.requests.map((u) => new URL(u).origin))).toEqual(new Set([hostOrigin]));
    expectQuiet(watched);
  });

  it('closes the live connection of a placeholder a single-page app removes, and reopens it when put back (C23)', async () => {
    const id = (
      await api('POST', '/v1/widgets', { name: 'SPA', kind: 'list', settings: { tags: ['main'] } })
    ).id;
    const { page } = await open(`${hostOrigin}/page?w=${id}&kind=list`);
    await settled(page);
    await waitForOpenStreams(id, 1);
    await page.evaluate(() => {
      const placeholder = document.querySelector('#w')!;
      (window as unknown as { kept: Element }).kept = placeholder;
      placeholder.remove();
    });
    await waitForOpenStreams(id, 0);
    await page.evaluate(() => document.body.append((window as unknown as { kept: Element }).kept));
    await waitForOpenStreams(id, 1);
  });

  it('never holds up the host page: it is complete and shown, space kept, while the feed hangs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const watched = await open(pageUrl('grid'), async (page) => {
      await page.route('**/public/v1/widgets/**', async (route) => {
        await gate;
        await route.continue().catch(() => undefined);
      });
    });
    await watched.page.waitForLoadState('load');
    const state = await watched.page.evaluate(() => ({
      ready: document.readyState,
      after: document.querySelector('#after')!.getBoundingClientRect().top,
      height: document.querySelector('#w')!.clientHeight,
    }));
    expect(state.ready).toBe('complete');
    expect(state.height).toBe(576);
    release();
    await settled(watched.page);
    expect(await layoutShift(watched.page)).toBe(0);
  });

  it('leaves no box, no error and no console noise on any layout once the server is down', async () => {
    await server.close();
    for (const kind of WIDGET_KINDS) {
      const watched = await open(pageUrl(kind));
      await watched.page.waitForLoadState('load');
      await watched.page.waitForFunction(() => {
        const root = document.querySelector('#w')!.shadowRoot;
        return !root || Boolean(root.querySelector('slot'));
      });
      // The spacer gives its height back by itself when no script ever came: jump its clock.
      await watched.page.evaluate(() =>
        document
          .querySelectorAll('svg[slot=reserve]')
          .forEach((svg) => (svg as SVGSVGElement).setCurrentTime(9)),
      );
      // A loader cached from earlier pages runs and falls back to its slot; without it, the
      // spacer folds. Either way the placeholder holds nothing.
      const state = await watched.page.evaluate(() => ({
        height: document.querySelector('#w')!.clientHeight,
        shadow: Array.from(
          document.querySelector('#w')!.shadowRoot?.children ?? [],
          (c) => c.localName,
        ).join(),
        before: document.querySelector('#before')!.textContent,
        after: document.querySelector('#after')!.textContent,
      }));
      expect([kind, state]).toEqual([
        kind,
        {
          height: 0,
          shadow: expect.stringMatching(/^(slot)?$/),
          before: 'Our own content.',
          after: 'Footer text',
        },
      ]);
      expect(watched.errors).toEqual([]);
      expect(watched.dialogs).toEqual([]);
      expect(watched.console.filter((line) => !BROWSER_NETWORK_LINE.test(line))).toEqual([]);
    }
  });
});
