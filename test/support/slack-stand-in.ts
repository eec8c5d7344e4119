import {
  startHttpStandIn,
  type HttpStandIn,
  type ReceivedRequest,
  type Reply,
} from './http-stand-in.js';

/*
 * Slack's incoming-webhook contract (api.slack.com/messaging/webhooks): POST JSON with
 * `text` and/or `blocks` to the webhook URL; 200 `ok` on success, otherwise a 4xx with a
 * short reason such as `invalid_payload`, `no_text`, `channel_not_found`. Block Kit limits
 * checked here: at most 50 blocks; section text at most 3000 characters; context at most
 * 10 elements; text objects `mrkdwn` or `plain_text`.
 */

const BLOCK_TYPES = new Set(['section', 'context', 'header', 'divider', 'actions', 'image']);

interface TextObject {
  type?: unknown;
  text?: unknown;
}

function checkText(object: TextObject | undefined, max: number): string | null {
  if (!object || typeof object.text !== 'string') return 'invalid_blocks';
  if (object.type !== 'mrkdwn' && object.type !== 'plain_text') return 'invalid_blocks';
  return object.text.length > max ? 'invalid_blocks' : null;
}

function checkBlock(block: Record<string, unknown>): string | null {
  if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) return 'invalid_blocks';
  if (block.type === 'section') return checkText(block.text as TextObject, 3000);
  if (block.type === 'header') return checkText(block.text as TextObject, 150);
  if (block.type === 'context') {
    const elements = block.elements;
    if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
      return 'invalid_blocks';
    for (const element of elements) {
      const problem = checkText(element as TextObject, 3000);
      if (problem) return problem;
    }
  }
  return null;
}

export function checkSlackPayload(request: ReceivedRequest): Reply {
  if (request.method !== 'POST') return { status: 405, body: 'invalid_method' };
  if (!String(request.headers['content-type']).startsWith('application/json')) {
    return { status: 400, body: 'invalid_payload' };
  }
  const payload = request.json as { text?: unknown; blocks?: unknown } | undefined;
  if (!payload || typeof payload !== 'object') return { status: 400, body: 'invalid_payload' };
  if (payload.text === undefined && payload.blocks === undefined)
    return { status: 400, body: 'no_text' };
  if (payload.blocks !== undefined) {
    if (!Array.isArray(payload.blocks) || payload.blocks.length > 50) {
      return { status: 400, body: 'invalid_blocks' };
    }
    for (const block of payload.blocks) {
      const problem = checkBlock(block as Record<string, unknown>);
      if (problem) return { status: 400, body: problem };
    }
  }
  return { status: 200, body: 'ok' };
}

/** What Slack would show for a mrkdwn string: visible text, the pings and the links in it. */
export function renderMrkdwn(text: string): { visible: string; pings: string[]; links: string[] } {
  const pings: string[] = [];
  const links: string[] = [];
  const visible = text
    .replace(/<([^<>]*)>/g, (_, inner: string) => {
      if (/^[!@#]/.test(inner)) {
        pings.push(inner);
        return `@${inner.slice(1)}`;
      }
      const [url, label] = inner.split('|');
      links.push(url!);
      return label ?? url!;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return { visible, pings, links };
}

/** Every mrkdwn text of a Block Kit payload, rendered. */
export function renderSlackPayload(payload: unknown) {
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.type === 'mrkdwn' && typeof object.text === 'string') texts.push(object.text);
      Object.values(object).forEach(collect);
    }
  };
  collect((payload as { blocks?: unknown }).blocks);
  const rendered = texts.map(renderMrkdwn);
  return {
    visible: rendered.map((r) => r.visible).join('\n'),
    pings: rendered.flatMap((r) => r.pings),
    links: rendered.flatMap((r) => r.links),
    fallback: renderMrkdwn(String((payload as { text?: unknown }).text ?? '')),
  };
}

export const SLACK_WEBHOOK_PATH = '/services/T0000000/B0000000/standin0secret0token';

export async function startSlackStandIn(): Promise<HttpStandIn & { webhookUrl: string }> {
  const server = await startHttpStandIn((request) => {
    if (request.path !== SLACK_WEBHOOK_PATH) return { status: 404, body: 'no_service' };
    return checkSlackPayload(request);
  });
  return Object.assign(server, { webhookUrl: `${server.url}${SLACK_WEBHOOK_PATH}` });
}
