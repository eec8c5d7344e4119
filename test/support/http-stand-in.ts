import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stand-in received, as it arrived. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

export interface HttpStandIn {
  url: string;
  received: ReceivedRequest[];
  /** The next replies, in order, instead of the normal handling (scripted failures). */
  queue(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1 and a random port that records and answers requests. */
export async function startHttpStandIn(
  handle: (request: ReceivedRequest) => Reply,
): Promise<HttpStandIn> {
  const received: ReceivedRequest[] = [];
  const scripted: Reply[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
      };
      received.push(request);
      const reply = scripted.shift() ?? handle(request);
      res.writeHead(reply.status, {
        'content-type': reply.contentType ?? 'text/plain; charset=utf-8',
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    queue: (...replies) => scripted.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
