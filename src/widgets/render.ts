import type { BuiltFeed } from './feed.js';
import { pageOf, resolveCursor } from './feed-cursor.js';
import { jsonForScript, buildJsonLd } from './json-ld.js';
import type { WidgetKind, WidgetLanguage } from './schema.js';
import { directionOf, LABELS, resolveLanguage } from './view/labels.js';
import { RENDERERS, ALL_CSS } from './view/renderers.js';

import { escapeHtml, toHtml } from './view/to-html.js';
import { INITIAL_STATE, themeProperties, type WidgetView } from './view/view-model.js';

/*
 * The layouts rendered on the server, from the same view code the embed runs: for
 * `?format=html` (inlined into a static site at build time), the wall page and the
 * iframe's no-JavaScript fallback.
 */

export interface StaticViewOptions {
  publicUrl: string;
  kind?: WidgetKind;
  cursor?: string;
  /** For `language: auto`, which has no host page to follow on the server. */
  language?: WidgetLanguage;
  /** The wall page shows whole texts and anchors each card. */
  wholeTexts?: boolean;
  /** Where "see all" leads when there is a next page. */
  nextPageUrl?: (cursor: string) => string;
}

export function wallUrl(feed: BuiltFeed, publicUrl: string): string {
  return `${publicUrl}/w/${encodeURIComponent(feed.slug)}`;
}

export function staticView(feed: BuiltFeed, options: StaticViewOptions): WidgetView {
  const language = resolveLanguage(feed.display.language, options.language);
  const start = resolveCursor(options.cursor, feed.items);
  const page = pageOf(feed.items, start, feed.settings.limit);
  const wall = wallUrl(feed, options.publicUrl);
  const next = feed.settings.load_more ? page.nextCursor : null;
  return {
    widgetId: feed.widgetId,
    kind: options.kind ?? feed.kind,
    display: options.wholeTexts
      ? { ...feed.display, excerpt_length: Number.POSITIVE_INFINITY }
      : feed.display,
    language,
    direction: directionOf(language),
    labels: LABELS[language],
    mode: 'static',
    ownOrigin: new URL(options.publicUrl).origin,
    wallUrl: wall,
    poweredBy: feed.poweredBy,
    summary: feed.summary,
    items: page.items,
    moreUrl: next && options.nextPageUrl ? options.nextPageUrl(next) : wall,
    state: INITIAL_STATE,
  };
}

export function renderStaticLayout(feed: BuiltFeed, options: StaticViewOptions): string {
  const view = staticView(feed, options);
  return toHtml(RENDERERS[view.kind](view));
}

/** The JSON-LD of the items a page shows, as a script data block (never executed). */
export function jsonLdScript(feed: BuiltFeed, view: WidgetView): string {
  const markup = buildJsonLd(feed.display, feed.summary, view.items);
  if (!markup) return '';
  return `<script type="application/ld+json">${jsonForScript(markup)}</script>`;
}

/**
 * `?format=html`: the layout inside a declarative shadow root, so the host page's CSS
 * cannot restyle it and no JavaScript is needed to show it, with our stylesheet linked
 * from inside; the JSON-LD, when asked for, stays outside where crawlers read it.
 */
export function renderFragment(feed: BuiltFeed, options: StaticViewOptions): string {
  const view = staticView(feed, options);
  const css = `${options.publicUrl}/public/v1/widgets/${feed.widgetId}/style.css`;
  return (
    `<div class="showtrust-widget" data-showtrust-static="${escapeHtml(feed.widgetId)}">` +
    `<template shadowrootmode="open"><link rel="stylesheet" href="${escapeHtml(css)}">` +
    `${toHtml(RENDERERS[view.kind](view))}</template></div>${jsonLdScript(feed, view)}\n`
  );
}

const PAGE_CSS =
  'body.st-page{margin:0 auto;max-width:72rem;padding:2rem 1rem;font-family:system-ui,' +
  '-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f8fa;color:#1f2328}' +
  '.st-page h1{font-size:1.75rem;margin:0 0 1rem}.st-page .st-summary{margin:0 0 1.5rem}' +
  'body.st-frame-page{margin:0;background:transparent}';

/**
 * The stylesheet of one widget: every layout's rules, our pages' own, and the widget's
 * colours and radius (more specific than the themes, which they override).
 */
export function widgetStylesheet(feed: BuiltFeed): string {
  const properties = themeProperties(feed.display)
    .map(([name, value]) => `${name}:${value}`)
    .join(';');
  return `${ALL_CSS}${PAGE_CSS}.st[data-layout][data-theme]{${properties}}`;
}
