import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';
import type { Logger } from '../logger.js';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * A request's logger, made by Fastify for every request: pino's child() serializes its
 * bindings (the request id) at once, which a warm widget feed read paid for on every
 * request although it logs nothing. This one makes the pino child on first use; level
 * checks read the parent, whose level the child shares unless the route sets its own.
 */
class LazyChildLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    protected readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  protected get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  isLevelEnabled(level: Level): boolean {
    if (this.made || this.options.level) return (this.logger as Logger).isLevelEnabled(level);
    return (this.parent as Logger).isLevelEnabled(level);
  }

  fatal(...args: LogArgs): void {
    this.logger.fatal(...args);
  }
  error(...args: LogArgs): void {
    this.logger.error(...args);
  }
  warn(...args: LogArgs): void {
    this.logger.warn(...args);
  }
  info(...args: LogArgs): void {
    this.logger.info(...args);
  }
  debug(...args: LogArgs): void {
    this.logger.debug(...args);
  }
  trace(...args: LogArgs): void {
    this.logger.trace(...args);
  }
  silent(...args: LogArgs): void {
    this.logger.silent(...args);
  }

  /** Lazy too: Fastify asks the logger it made from ours at start-up for each request's. */
  child(bindings: Bindings, options: ChildLoggerOptions = {}): FastifyBaseLogger {
    return new LazyChildLogger(this.logger, bindings, options);
  }
}

/**
 * The logger to give Fastify (`loggerInstance`): it logs as `log` does, and its children
 * are lazy. Fastify makes one child of it at start-up and asks that one for each
 * request's logger; with a `childLoggerFactory` instead, it would also check every
 * request's logger for each method, building and filtering an array per request.
 */
class LazyRequestLoggers extends LazyChildLogger {
  constructor(log: FastifyBaseLogger) {
    super(log, {}, {});
  }

  protected override get logger(): FastifyBaseLogger {
    return this.parent;
  }
}

/** Request loggers that cost nothing until they log, over the app's logger. */
export function lazyRequestLoggers(log: FastifyBaseLogger): FastifyBaseLogger {
  return new LazyRequestLoggers(log);
}
