import { ConfigError } from '../platform/config.js';
import { UsageError } from './usage-error.js';

const USAGE = `Usage: showtrust <command> [options]

Commands:
  serve                                  start the server (what npm start runs)
  api-keys create --name NAME [--scopes a,b] [--expires-at ISO-8601] [--workspace ID]
                                         create an API key and print its secret
  api-keys list [--workspace ID]         list keys (prefix and last four only)
  api-keys revoke KEY_ID [--workspace ID]
                                         revoke a key at once
  import FILE [--map col=field,...] [--ignore col,...] [--status approved|pending]
              [--workspace ID] [--form SLUG]
                                         import testimonials from CSV or JSON Lines
  users create --email EMAIL [--password-stdin] [--role owner|admin|editor|viewer] [--workspace ID]
                                         create an account (prints a password unless one is piped in)
  oauth-apps create --name NAME --scopes a,b [--redirect-uri URL ...] [--grant-types a,b]
                    [--public] [--workspace ID]
                                         register an OAuth app and print its client secret
  oauth-apps list [--workspace ID]       list OAuth apps
`;

/*
 * Each command is loaded only when it runs: `serve` pulls in the whole HTTP app (and the
 * OAuth library, which prints a runtime notice on Node 20), the other commands need none of it.
 */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serveCommand();
    case 'api-keys':
      return (await import('./api-keys.js')).apiKeysCommand(rest);
    case 'import':
      return (await import('./import.js')).importCommand(rest);
    case 'users':
      return (await import('./users.js')).usersCommand(rest);
    case 'oauth-apps':
      return (await import('./oauth-apps.js')).oauthAppsCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`showtrust: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `showtrust: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
