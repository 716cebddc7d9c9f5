import type { Bindings, ChildLoggerOptions } from 'pino';
import type { FastifyBaseLogger } from 'fastify';

/**
 * fastify's `childLoggerFactory`: a request's logger (`request.log`, carrying `reqId`) that
 * becomes a real pino child only when something logs through it. Most requests never do: the
 * request line comes from router events and fastify's own request lines are off, so the pino
 * child (bindings serialised, a prototype set up) per request was pure cost (~2–3 % of a
 * request's CPU). A line that is written still carries the same bindings.
 */
export function lazyChildLogger(
  this: unknown,
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options);
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** What a pino log method takes: an object or a message first, then format arguments. */
type LogArgs = [objOrMsg: unknown, ...rest: unknown[]];

class LazyChildLogger implements FastifyBaseLogger {
  #real: FastifyBaseLogger | undefined;
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #child(): FastifyBaseLogger {
    this.#real ??= this.#parent.child(this.#bindings, this.#options);
    return this.#real;
  }

  get level(): string {
    return this.#real?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#child().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#child().child(bindings, options);
  }

  fatal(...args: LogArgs): void {
    this.#write('fatal', args);
  }

  error(...args: LogArgs): void {
    this.#write('error', args);
  }

  warn(...args: LogArgs): void {
    this.#write('warn', args);
  }

  info(...args: LogArgs): void {
    this.#write('info', args);
  }

  debug(...args: LogArgs): void {
    this.#write('debug', args);
  }

  trace(...args: LogArgs): void {
    this.#write('trace', args);
  }

  silent(...args: LogArgs): void {
    this.#write('silent', args);
  }

  #write(level: Level, args: LogArgs): void {
    const child = this.#child();
    const write: (...args: LogArgs) => void = child[level];
    write.apply(child, args);
  }
}
