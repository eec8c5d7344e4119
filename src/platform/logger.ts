import pino from 'pino';
import { maskSecrets } from './redact.js';

export type Logger = pino.Logger;

/**
 * Paths pino removes before a line is written. Credentials never reach a log: headers
 * that carry them, and any field a caller names `secret`, `apiKey` or `password`.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.secret',
  '*.apiKey',
  '*.password',
  'secret',
  'apiKey',
  'password',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The last line of defence: a secret inside any message, error text or stack is cut
    // to its prefix and last four characters before the line is written.
    hooks: { streamWrite: maskSecrets },
  };
  return destination ? pino(options, destination) : pino(options);
}
