import { buildApp } from './app.js';
import type { Config } from './platform/config.js';
import type { Services } from './platform/context.js';
import type { App } from './platform/http/types.js';
import { createServices, type CreateServicesOptions } from './platform/services.js';
import { bootstrapWorkspace, type BootstrapResult } from './workspaces/bootstrap.js';

export interface RunningServer {
  app: App;
  services: Services;
  url: string;
  bootstrap: BootstrapResult;
  close(): Promise<void>;
}

/**
 * Starts everything in order: storage (with migrations), first-start data, HTTP, then
 * the job worker. close() undoes it in reverse: stop taking requests and finish those
 * in flight, stop claiming jobs and drain running ones, then close the database.
 */
export async function startServer(
  config: Config,
  options: CreateServicesOptions = {},
): Promise<RunningServer> {
  const services = await createServices(config, options);
  const bootstrap = await bootstrapWorkspace(services);
  const app = await buildApp(services);
  await app.listen({ host: config.host, port: config.port });
  services.jobs.start();
  if (!config.redisUrl) {
    services.log.warn('rate-limit counters are per process; set REDIS_URL to share them');
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.publicUrlIsDefault) config.publicUrl = `http://${config.host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    app,
    services,
    url: `http://${config.host}:${port}`,
    bootstrap,
    close() {
      closing ??= (async () => {
        await app.close();
        await services.jobs.stop();
        await services.runCloseHooks();
        await services.db.close();
        await services.rateLimits.close();
      })();
      return closing;
    },
  };
}
