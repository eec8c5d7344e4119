import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WIDGET_KINDS } from '../src/widgets/schema.js';
import { RESERVE_PX, SPACER_TIMEOUT_S } from '../src/widgets/view/reserve.js';
import { FEED_TIMEOUT_MS } from '../web/widget/feed.js';
import { chromiumAvailable } from './support/browser.js';
import { BROWSER_NETWORK_LINE, CUT_TEXT, HOSTILE, useWidgetHost } from './support/widget-host.js';

/*
 * Every layout in Debian's Chromium, embedded in a host page of another origin that sets
 * a strict Content-Security-Policy and hostile CSS: text stays text (C09), nothing shifts
 * (CLS 0), axe-core finds nothing (also dark and right to left), long words wrap at
 * 320 px (C13), dates do not move (C20), the iframe embed resizes only for its own frame
 * (C10), the server-rendered HTML reads without JavaScript, the page is never held up,
 * and a server that is down costs nothing. Interaction: widgets-interaction-browser.
 */

const WALL_KINDS = ['grid', 'masonry', 'list'] as const;

/** Any fixed instant: the page's clock starts there, paused. */
const FAKE_START_MS = Date.UTC(2024, 2, 11, 9);

describe.skipIf(!chromiumAvailable('the widget browser tests'))(
  'widget layouts in Chromium on a strict host page',
  () => {
    const h = useWidgetHost();
    const { api, testimonial, open, pageUrl, settled, rotation, texts } = h;
    const { layoutShift, expectQuiet, axeViolations, placeholderState } = h;

    it('fetches only the loader and the chunks of the layout on the page, from no other origin', async () => {
      const watched = await open(pageUrl('grid'));
      await settled(watched.page);
      const closure = (file: string, seen = new Set<string>()): Set<string> => {
        seen.add(file);
        for (const dep of (h.manifest as unknown as { imports: Record<string, string[]> }).imports[
          file
        ] ?? [])
          closure(dep, seen);
        return seen;
      };
      const chunks = watched.requests
        .filter((u) => u.includes('/widget/'))
        .map((u) => path.basename(u));
      expect(new Set(chunks)).toEqual(closure(h.manifest.layouts.grid!));
      for (const kind of ['slider', 'popup', 'badge', 'single'] as const) {
        expect(chunks).not.toContain(h.manifest.layouts[kind]);
      }
      const origins = new Set(watched.requests.map((u) => new URL(u).origin));
      expect(origins).toEqual(new Set([h.hostOrigin, h.st]));
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
          const feed = await (await fetch(`${h.st}/public/v1/widgets/${h.widgets.badge}`)).json();
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

    describe('a wall with fewer testimonials than fill its reserve', () => {
      const sized: Record<string, string> = {};
      beforeAll(async () => {
        for (const count of [1, 2, 3]) {
          for (let i = 0; i < count; i++) {
            await testimonial({ tags: [`few-${count}`], text: CUT_TEXT, rating: 5 });
          }
          for (const kind of WALL_KINDS) {
            const name = `${kind} of ${count}`;
            sized[name] = (
              await api('POST', '/v1/widgets', { name, kind, settings: { tags: [`few-${count}`] } })
            ).id;
          }
        }
      });

      // The main widgets show 9, more than fit: the full wall, clipped behind "show more".
      it.each(WALL_KINDS.flatMap((kind) => [1, 2, 3, 9].map((count) => [kind, count] as const)))(
        '%s of %i: keeps the reserved height, so the footer never moves (CLS 0)',
        async (kind, count) => {
          const watched = await open(
            pageUrl(kind, { w: sized[`${kind} of ${count}`] ?? h.widgets[kind] }),
            // Tall enough that the footer is in view, where a shift would be counted.
            (page) => page.setViewportSize({ width: 1280, height: 1000 }),
          );
          await settled(watched.page);
          const shown = await watched.page.evaluate(() => ({
            cards: document.querySelector('#w')!.shadowRoot!.querySelectorAll('.st-card').length,
            height: document.querySelector('#w')!.clientHeight,
          }));
          expect(shown).toEqual({ cards: count, height: RESERVE_PX[kind] });
          expect(await layoutShift(watched.page)).toBe(0);
          expectQuiet(watched);
        },
      );

      it.each([1, 9])(
        'grid of %i under a reserve of the host (300 px): clipped or padded to it (CLS 0)',
        async (count) => {
          const id = sized[`grid of ${count}`] ?? h.widgets.grid;
          const watched = await open(pageUrl('grid', { w: id, reserve: '300' }), (page) =>
            page.setViewportSize({ width: 1280, height: 1000 }),
          );
          await settled(watched.page);
          expect(
            await watched.page.evaluate(() => document.querySelector('#w')!.clientHeight),
          ).toBe(300);
          expect(await layoutShift(watched.page)).toBe(0);
          expectQuiet(watched);
        },
      );
    });

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
        const dark = `${h.hostOrigin}/page?w=${id}&kind=${kind}&csp=0`;
        expect(await axeViolations(dark)).toEqual([]);
        expect(await axeViolations(pageUrl(kind, { csp: '0', lang: 'ar', dir: 'rtl' }))).toEqual(
          [],
        );
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
        const zoned = await h.browser.newContext({ timezoneId });
        try {
          const page = await zoned.newPage();
          await page.goto(`${h.hostOrigin}/page?w=${id}&kind=list`);
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
      const {
        page,
        console: logged,
        errors,
      } = await open(`${h.hostOrigin}/frame?w=${h.widgets.grid}`);
      await page.waitForFunction(
        () => document.querySelector<HTMLIFrameElement>('#ours')!.height === '576',
      );
      // The third-party frame keeps posting 99999 and 120 and an "open" request meanwhile.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1_000)));
      const state = await page.evaluate(() => ({
        height: document.querySelector<HTMLIFrameElement>('#ours')!.height,
        url: location.href,
      }));
      expect(state).toEqual({ height: '576', url: `${h.hostOrigin}/frame?w=${h.widgets.grid}` });
      const adsFrame = page.frames().find((frame) => frame.url().startsWith(h.adsOrigin))!;
      const leaked = await adsFrame.evaluate(() =>
        (window as unknown as { received: { type?: string }[] }).received.filter(
          (m) => m?.type === 'showtrust:height',
        ),
      );
      expect(leaked).toEqual([]);
      const ours = page.frames().find((frame) => frame.url().startsWith(`${h.st}/embed/`))!;
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
      const noScript = await h.browser.newContext({ javaScriptEnabled: false });
      try {
        const page = await noScript.newPage();
        await page.goto(`${h.hostOrigin}/static?w=${h.widgets.grid}&csp=0`);
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
        expect(shown.link).toMatch(new RegExp(`^${h.st}/w/main-grid-`));
      } finally {
        await noScript.close();
      }
    });

    it('gives up quietly on a server too slow to answer: the reserve holds 8 s, then only the fallback link is left', async () => {
      const watched = await open(
        pageUrl('slider', { fallback: '1' }),
        async (page) => {
          // Paused from the first script on, so only runFor moves the page's timers. With
          // install() alone the fake clock also flows with real time: the loader's 8 s timer
          // then fired before the check at 7.9 s whenever page load and polling took more
          // than 100 ms of real time (a loaded machine, a full suite run).
          await page.clock.install({ time: FAKE_START_MS });
          await page.clock.pauseAt(FAKE_START_MS + 1_000);
          // The feed never answers.
          await page.route('**/public/v1/widgets/**', () => undefined);
        },
        await h.ownContext(),
      );
      await watched.page.waitForFunction(
        () => document.querySelector('#w')?.shadowRoot?.querySelector('.st-loading') !== null,
      );
      await watched.page.clock.runFor(FEED_TIMEOUT_MS - 100);
      expect(await placeholderState(watched.page)).toEqual({
        height: 320,
        shadow: 'div',
        shown: [],
      });

      await watched.page.clock.runFor(200);
      await watched.page.waitForFunction(() =>
        Boolean(document.querySelector('#w')!.shadowRoot!.querySelector('slot')),
      );
      // No box is left: the placeholder is as tall as the host's own fallback link, no more.
      const fallback = await watched.page.evaluate(
        () => document.querySelector('#fallback')!.getBoundingClientRect().height,
      );
      expect(fallback).toBeGreaterThan(0);
      expect(await placeholderState(watched.page)).toEqual({
        height: fallback,
        shadow: 'slot',
        shown: ['fallback'],
      });
      expect(watched.errors).toEqual([]);
      expect(watched.dialogs).toEqual([]);
      expect(watched.console.filter((line) => !BROWSER_NETWORK_LINE.test(line))).toEqual([]);
    });

    it('folds the spacer by itself when the script fails to load: held until 8 s after load, then nothing', async () => {
      const watched = await open(pageUrl('grid'), async (page) => {
        // No loader ever runs: only the markup's own SMIL spacer is left to give up.
        await page.route('**/embed.js', (route) => route.abort('connectionrefused'));
      });
      // Chromium starts the timeline of parsed SVG at the load event (open waits for it), and
      // no fake clock moves it: pause it and set it.
      const at = (seconds: number) =>
        watched.page.evaluate(async (s) => {
          const svg = document.querySelector<SVGSVGElement>('#w svg[slot=reserve]')!;
          svg.pauseAnimations();
          svg.setCurrentTime(s);
          // The new time is applied with the next animation frame.
          for (let i = 0; i < 2; i++) await new Promise(requestAnimationFrame);
          return document.querySelector('#w')!.clientHeight;
        }, seconds);
      expect(await at(SPACER_TIMEOUT_S - 0.1)).toBe(576);
      expect(await at(SPACER_TIMEOUT_S + 0.1)).toBe(0);
      expect(watched.errors).toEqual([]);
      expect(watched.console.filter((line) => !BROWSER_NETWORK_LINE.test(line))).toEqual([]);
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
      await h.server.close();
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
  },
);
