import { Writable } from 'node:stream';
import { parseConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type TestDialect } from './databases.js';

export interface LiveServer {
  server: RunningServer;
  /** http://127.0.0.1:PORT — also PUBLIC_URL, so it is the OAuth issuer. */
  url: string;
  apiKey: string;
  workspaceId: string;
  logs: string[];
  close(): Promise<void>;
}

/**
 * The whole server listening on 127.0.0.1 (random port) on a fresh database, for tests
 * whose client must speak real HTTP (an OAuth client library, fetch with cookies).
 */
export async function startLiveServer(
  dialect: TestDialect,
  env: Record<string, string> = {},
): Promise<LiveServer> {
  const database = await createTestDatabase(dialect);
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    SHOWTRUST_DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    LOG_LEVEL: 'debug',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const server = await startServer(config, { log: createLogger('debug', sink) });
  return {
    server,
    url: server.url,
    apiKey: server.bootstrap.apiKey!,
    workspaceId: server.bootstrap.workspaceId,
    logs,
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
