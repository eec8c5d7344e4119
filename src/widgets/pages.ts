import type { BuiltFeed } from './feed.js';
import { jsonLdScript, renderStaticLayout, staticView, wallUrl } from './render.js';
import type { WidgetKind, WidgetLanguage } from './schema.js';
import { renderBadge } from './view/layout-badge.js';
import { toHtml, escapeHtml } from './view/to-html.js';

/*
 * Our own HTML pages around a widget: the shareable wall of love `/w/{slug}` and the
 * iframe embed `/embed/{id}`. Neither has inline script or style, so their CSP can be
 * strict; the wall has no script at all and pages with plain links.
 */

/** The wall shows a wall: walls keep their layout, the others become a grid. */
function wallKind(kind: WidgetKind): WidgetKind {
  return kind === 'masonry' || kind === 'list' ? kind : 'grid';
}

export interface WallPageInput {
  feed: BuiltFeed;
  publicUrl: string;
  cursor?: string;
  language?: WidgetLanguage;
}

export function renderWallPage({ feed, publicUrl, cursor, language }: WallPageInput): string {
  const url = wallUrl(feed, publicUrl);
  const options = {
    publicUrl,
    cursor,
    language,
    kind: wallKind(feed.kind),
    wholeTexts: true,
    nextPageUrl: (next: string) => `${url}?cursor=${encodeURIComponent(next)}`,
  };
  const view = staticView(feed, options);
  const summary = toHtml(renderBadge({ ...view, kind: 'badge' }));
  const title = escapeHtml(feed.name);
  const description = escapeHtml(view.labels.list);
  return `<!doctype html>
<html lang="${escapeHtml(view.language)}" dir="${view.direction ?? 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${description}">
<link rel="canonical" href="${escapeHtml(url)}">
<meta property="og:type" content="website">
<meta property="og:title" content="${title}">
<meta property="og:url" content="${escapeHtml(url)}">
<link rel="stylesheet" href="/public/v1/widgets/${escapeHtml(feed.widgetId)}/style.css">
${jsonLdScript(feed, view)}
</head>
<body class="st-page">
<main>
<h1 dir="auto">${title}</h1>
<div class="st-summary">${summary}</div>
${renderStaticLayout(feed, options)}
</main>
</body>
</html>
`;
}

export interface FramePageInput {
  feed: BuiltFeed;
  publicUrl: string;
  /** The built iframe-side script (`/widget/frame-….js`), if the bundle exists. */
  frameScript: string | undefined;
}

/**
 * The iframe embed: the same loader as a script embed, rendering into a placeholder that
 * holds the server-rendered layout as its no-JavaScript fallback, plus the small script
 * that reports the height to the parent page.
 */
export function renderFramePage({ feed, publicUrl, frameScript }: FramePageInput): string {
  const fallback = renderStaticLayout(feed, { publicUrl });
  const id = escapeHtml(feed.widgetId);
  const frame = frameScript
    ? `<script src="/widget/${escapeHtml(frameScript)}" async></script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(feed.name)}</title>
<link rel="stylesheet" href="/public/v1/widgets/${id}/style.css">
</head>
<body class="st-frame-page">
<div data-showtrust-widget="${id}" data-showtrust-layout="${escapeHtml(feed.kind)}">${fallback}</div>
<script src="/embed.js" async></script>
${frame}
</body>
</html>
`;
}
