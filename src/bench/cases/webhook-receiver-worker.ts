import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';

/**
 * The bench's webhook receiver, in its own thread so it shares no event loop with the
 * sender under test: answers every POST with 200 on kept-alive connections and notes
 * when each webhook-id first arrived (absolute milliseconds, comparable across threads).
 */
export type ReceiverCommand =
  { type: 'expect'; count: number } | { type: 'report' } | { type: 'close' };

export type ReceiverMessage =
  | { type: 'listening'; port: number }
  | { type: 'done'; atMs: number }
  | { type: 'report'; arrivals: [string, number][]; requests: number };

const nowMs = () => performance.timeOrigin + performance.now();
const arrivals = new Map<string, number>();
let requests = 0;
let expected = Infinity;

function send(message: ReceiverMessage): void {
  parentPort!.postMessage(message);
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    const id = String(req.headers['webhook-id']);
    requests += 1;
    if (!arrivals.has(id)) arrivals.set(id, nowMs());
    res.end('ok');
    if (arrivals.size === expected) {
      expected = Infinity;
      send({ type: 'done', atMs: nowMs() });
    }
  });
});

parentPort!.on('message', (command: ReceiverCommand) => {
  if (command.type === 'expect') {
    arrivals.clear();
    requests = 0;
    expected = command.count;
  } else if (command.type === 'report') {
    send({ type: 'report', arrivals: [...arrivals], requests });
  } else {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});

server.listen(0, '127.0.0.1', () => {
  send({ type: 'listening', port: (server.address() as AddressInfo).port });
});
