import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  /** The status this receiver answered with (set once the response is finished). */
  status?: number;
}

export type Responder = (
  request: ReceivedWebhook,
  response: http.ServerResponse,
  index: number,
) => unknown;

export interface Receiver {
  received: ReceivedWebhook[];
  port: number;
  url(path?: string): string;
  /** Requests that have arrived but not been answered yet. */
  inFlight(): number;
  peakInFlight(): number;
  /** webhook-ids answered with a 2xx, and those that arrived again after that. */
  deliveredIds(): Set<string>;
  duplicatesAfterSuccess(): string[];
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 that keeps the raw bytes of every request. */
export async function startReceiver(
  respond: Responder = (_r, res) => res.end('ok'),
  port = 0,
): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  let inFlight = 0;
  let peak = 0;
  const delivered = new Set<string>();
  const duplicates: string[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedWebhook = {
        path: req.url ?? '',
        headers: req.headers,
        raw: Buffer.concat(chunks),
      };
      const id = String(req.headers['webhook-id']);
      if (delivered.has(id)) duplicates.push(id);
      received.push(request);
      res.on('finish', () => {
        inFlight -= 1;
        request.status = res.statusCode;
        if (res.statusCode >= 200 && res.statusCode < 300) delivered.add(id);
      });
      res.on('close', () => {
        if (!res.writableFinished) inFlight -= 1;
      });
      void respond(request, res, received.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    received,
    port: bound,
    url: (path = '/hook') => `http://127.0.0.1:${bound}${path}`,
    inFlight: () => inFlight,
    peakInFlight: () => peak,
    deliveredIds: () => delivered,
    duplicatesAfterSuccess: () => duplicates,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on (for "receiver down"). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until check() holds or the deadline passes; returns the last result. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(intervalMs);
  }
  return check();
}

/** The three Standard Webhooks headers of a received request, as verifiers want them. */
export function signatureHeaders(request: ReceivedWebhook): Record<string, string> {
  return {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  };
}
