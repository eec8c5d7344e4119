import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { startServer, type RunningServer } from '../server.js';

/** A temp folder that the bench removes again when the case is done. */
export function makeTempDir(purpose: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `showtrust-bench-${purpose}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The real server, as `showtrust serve` runs it (SQLite in a fresh folder, job worker on),
 * listening on 127.0.0.1 at a random port. Warnings and errors go to stderr.
 */
export async function startShowTrust(): Promise<RunningServer & { dispose(): Promise<void> }> {
  const temp = makeTempDir('server');
  const config = parseConfig({
    SHOWTRUST_DATA_DIR: temp.dir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    // The load comes from one address with one key: measure the server, not its limits.
    RATE_LIMIT_API_PER_MINUTE: '100000000',
    RATE_LIMIT_PUBLIC_PER_MINUTE: '100000000',
  });
  const server = await startServer(config, { log: createLogger('warn', process.stderr) });
  return {
    ...server,
    async dispose() {
      await server.close();
      temp.remove();
    },
  };
}

/** A Fastify with nothing but the routes the caller adds: the floor a feature is held to. */
export async function startBareFastify(
  addRoutes: (app: FastifyInstance) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  addRoutes(app);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}
