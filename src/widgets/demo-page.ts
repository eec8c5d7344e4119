import { createHash } from 'node:crypto';
import { firstWorkspaceId } from '../workspaces/store.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import type { WidgetKind } from './schema.js';
import { embedCodes, firstWidgetRow } from './store.js';
import { placeholderHtml } from './view/reserve.js';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const DEMO_CSS = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 64rem; padding: 2rem 1rem;
  line-height: 1.5; color: #1f2328; }
pre { background: #f6f8fa; padding: 1rem; overflow-x: auto; border-radius: 6px; }
.widget { margin: 2rem 0; }
`;

/*
 * The page allows scripts from our own origin only (no inline script, no eval) and its
 * one inline style by hash: the same strict policy a careful host page would set.
 */
const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  `style-src 'sha256-${createHash('sha256').update(DEMO_CSS).digest('base64')}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface DemoPageInput {
  widgetName: string;
  widgetId: string;
  kind: WidgetKind;
  snippet: string;
  formUrl: string;
  wallUrl: string;
}

export function renderDemoPage(input: DemoPageInput | undefined): string {
  const main = input
    ? `<p>The widget <strong>${escapeHtml(input.widgetName)}</strong>, embedded below with this code:</p>
<pre><code>${escapeHtml(input.snippet)}</code></pre>
<div class="widget">${placeholderHtml(escapeHtml(input.widgetId), input.kind)}</div>
<p>Approved testimonials appear here. Collect one with the <a href="${escapeHtml(input.formUrl)}">hosted form</a>, then approve it through the API.
Its shareable wall: <a href="${escapeHtml(input.wallUrl)}">${escapeHtml(input.wallUrl)}</a>.</p>`
    : '<p>This workspace has no widget yet: create one with <code>POST /v1/widgets</code>.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ShowTrust demo</title>
<style>${DEMO_CSS}</style>
</head>
<body>
<h1>ShowTrust demo</h1>
${main}
<p><a href="/docs">API reference</a></p>
<script src="/embed.js" async></script>
</body>
</html>
`;
}

/** `GET /demo`: the first workspace's first widget, as a visitor would see it on any site. */
export async function demoRoutes(app: App, { services }: RouteDeps) {
  app.get('/demo', { schema: { hide: true } }, async (_request, reply) => {
    const workspaceId = await firstWorkspaceId(services.db.kysely);
    const widget = workspaceId ? await firstWidgetRow(services.db.kysely, workspaceId) : undefined;
    const page = renderDemoPage(
      widget && {
        widgetName: widget.name,
        widgetId: widget.id,
        kind: widget.kind as WidgetKind,
        snippet: embedCodes(services.config.publicUrl, widget).script,
        formUrl: '/f/default',
        wallUrl: embedCodes(services.config.publicUrl, widget).wall_url,
      },
    );
    return reply
      .header('content-security-policy', DEMO_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(page);
  });
}
