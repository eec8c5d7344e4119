import { ConfigError, parseConfig, type Config } from '../platform/config.js';
import { startServer } from '../server.js';

/** A socket that cannot be opened is a configuration mistake: say which variable, not a stack. */
function listenError(error: unknown, config: Config): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new ConfigError('PORT', `${config.port} is already in use on ${config.host}`);
  if (code === 'EACCES')
    return new ConfigError('PORT', `${config.port} may not be opened by this user`);
  if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
    return new ConfigError('HOST', `"${config.host}" is not an address of this machine`);
  }
  return error;
}

export async function serveCommand(): Promise<void> {
  const config = parseConfig();
  const server = await startServer(config).catch((error: unknown) => {
    throw listenError(error, config);
  });
  const { publicUrl } = config;
  const { bootstrap, services } = server;

  const lines = [
    `ShowTrust is running (${services.db.dialect}) on ${server.url}`,
    `  Hosted form: ${publicUrl}/f/${bootstrap.formSlug}`,
    `  Demo page:   ${publicUrl}/demo`,
    `  API docs:    ${publicUrl}/docs`,
  ];
  if (bootstrap.apiKey) {
    lines.push(
      '',
      '  An API key with all scopes was created. It is shown this once; store it now:',
      `  ${bootstrap.apiKey}`,
    );
  }
  // Signal handlers go in before the banner: whoever reads it may stop us at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    services.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        services.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`${lines.join('\n')}\n`);
}
