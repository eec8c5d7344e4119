import { randomBytes } from 'node:crypto';
import net from 'node:net';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const inCi = process.env.CI === 'true';

let reachable: Promise<boolean> | undefined;

function probe(): Promise<boolean> {
  const url = new URL(TEST_REDIS_URL);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port || 6379), url.hostname);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

/**
 * Whether Redis answers at TEST_REDIS_URL. CI requires it; elsewhere the Redis suites are
 * skipped with a clear message, as the PostgreSQL ones are.
 */
export async function redisAvailable(): Promise<boolean> {
  reachable ??= probe().then((ok) => {
    if (ok) return true;
    if (inCi) throw new Error(`Redis is required in CI but unreachable at ${TEST_REDIS_URL}`);
    console.warn(
      `[showtrust tests] Redis unreachable at ${TEST_REDIS_URL}: Redis suites are skipped`,
    );
    return false;
  });
  return reachable;
}

/** A key prefix no other test run uses, so runs sharing one Redis never count together. */
export function uniqueRedisPrefix(purpose: string): string {
  return `showtrust-test:${purpose}:${randomBytes(6).toString('hex')}:`;
}
