import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/browser.js';
import { solidPng } from './support/images.js';
import { useWidgetHost } from './support/widget-host.js';

/*
 * C19 for photos, in Chromium on a strict host page of another origin: a card shows the
 * photo we host, and once the author revokes consent the card and its photo leave the
 * open widget over its live stream (well within the photo's 300 s cache bound), while the
 * photo's URL answers 410 to anyone who asks again.
 */

const PHOTO = solidPng(16, [20, 110, 220]);

/** Each `.st-avatar` image in the widget: where it points and whether it decoded. */
const avatars = (page: Page, selector = '#w') =>
  page.evaluate((sel) => {
    const scope = document.querySelector(sel)?.shadowRoot ?? document;
    return Array.from(scope.querySelectorAll<HTMLImageElement>('img.st-avatar'), (img) => ({
      src: img.src,
      width: img.complete ? img.naturalWidth : -1,
    }));
  }, selector);

describe.skipIf(!chromiumAvailable('the photo browser test'))(
  'hosted photos in Chromium on a strict host page',
  () => {
    const h = useWidgetHost();

    async function upload(id: string): Promise<string> {
      const res = await fetch(`${h.st}/v1/testimonials/${id}/photo`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${h.server.bootstrap.apiKey}`,
          'content-type': 'image/png',
        },
        body: new Uint8Array(PHOTO),
      });
      expect(res.status).toBe(200);
      return `${h.st}${((await res.json()) as { author_avatar_url: string }).author_avatar_url}`;
    }

    it('shows the photo on a card and the wall, and takes card and photo away when consent is revoked (C19)', async () => {
      const widget = await h.api('POST', '/v1/widgets', {
        name: 'Photos',
        kind: 'grid',
        settings: { tags: ['photo'], show_photo: true },
      });
      await h.testimonial({ tags: ['photo'], author_name: 'Stays', text: 'No photo here' });
      const author = await h.testimonial({ tags: ['photo'], author_name: 'Pictured', text: 'Hi' });
      const photoUrl = await upload(author.id);

      const watched = await h.open(`${h.hostOrigin}/page?w=${widget.id}&kind=grid`);
      await h.settled(watched.page);
      await watched.page.waitForFunction(() =>
        Array.from(
          document.querySelector('#w')!.shadowRoot!.querySelectorAll('img.st-avatar'),
        ).every((img) => (img as HTMLImageElement).complete),
      );
      expect(await avatars(watched.page)).toEqual([{ src: photoUrl, width: 16 }]);
      expect(await h.shownNames(watched.page)).toEqual(['Pictured', 'Stays']);

      const wall = await h.open(`${h.st}/w/${widget.slug}`);
      await wall.page.waitForLoadState('load');
      expect(await avatars(wall.page, 'body')).toEqual([{ src: photoUrl, width: 16 }]);
      h.expectQuiet(wall);

      await h.waitForOpenStreams(widget.id, 1);
      const revoking = Date.now();
      await h.api('PATCH', `/v1/testimonials/${author.id}`, { consent_given: false });
      await watched.page.waitForFunction(
        () => {
          const root = document.querySelector('#w')!.shadowRoot!;
          const names = Array.from(root.querySelectorAll('.st-name'), (n) => n.textContent);
          return !names.includes('Pictured') && root.querySelectorAll('img.st-avatar').length === 0;
        },
        undefined,
        { timeout: 10_000 },
      );
      // The wait's 10 s is far inside the photo's cache bound; the time itself is recorded only.
      h.measured.revokedCardGoneMs = Date.now() - revoking;
      expect(await h.shownNames(watched.page)).toEqual(['Stays']);

      const again = await watched.page.request.get(photoUrl);
      expect([again.status(), again.headers()['cache-control']]).toEqual([410, 'no-cache']);
      await wall.page.reload();
      expect(await avatars(wall.page, 'body')).toEqual([]);
      expect(await wall.page.content()).not.toContain('Pictured');
      h.expectQuiet(watched);
    });
  },
);
