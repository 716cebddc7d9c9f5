import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import { pino, type DestinationStream, type Logger } from 'pino';
import { createBatchedDestination } from './batched-stdout.ts';

export type { Logger } from 'pino';

/** pino's levels, quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export function isLogLevel(value: string): boolean {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * LiteLLM's `LITELLM_LOG` values (Python logging names, any case) and the pino level each
 * means. pino's own names are accepted too.
 */
const LITELLM_LEVELS: Readonly<Record<string, string>> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  WARN: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
};

/** The pino level for a `LITELLM_LOG` value, or undefined when it names none. */
export function levelFromLitellm(value: string): string | undefined {
  const upper = value.toUpperCase();
  const mapped = LITELLM_LEVELS[upper];
  if (mapped !== undefined) return mapped;
  const lower = value.toLowerCase();
  return isLogLevel(lower) ? lower : undefined;
}

/** Names `LITELLM_LOG` accepts, for error messages. */
export const LITELLM_LOG_LEVELS: readonly string[] = Object.keys(LITELLM_LEVELS);

export interface LoggerOptions {
  /**
   * pino level. Default `info`; in the CLI `LOG_LEVEL` sets it, else `LITELLM_LOG` (LiteLLM's
   * names: DEBUG, INFO, WARNING, ERROR, CRITICAL).
   */
  readonly level?: string;
  /** Where JSON lines go. Default: stdout. Tests pass a stream that collects them. */
  readonly destination?: DestinationStream;
  /** Human-readable colour lines instead of JSON. Default: when stdout is a terminal. */
  readonly pretty?: boolean;
}

/**
 * The gateway's structured logger (JSON lines on stdout). Secrets are redacted by path as a
 * second line of defence; the first is never passing them to the logger at all.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: 'switchyard' },
    redact: {
      paths: [
        'api_key',
        '*.api_key',
        'apiKey',
        '*.apiKey',
        'master_key',
        '*.master_key',
        'masterKey',
        '*.masterKey',
        'password',
        '*.password',
        'redis_password',
        '*.redis_password',
        'authorization',
        '*.authorization',
        'aws_secret_access_key',
        '*.aws_secret_access_key',
        '*.extra.aws_secret_access_key',
        'aws_session_token',
        '*.aws_session_token',
        '*.extra.aws_session_token',
        // Google: the AI Studio key header and Vertex AI service-account JSON
        '["x-goog-api-key"]',
        '*["x-goog-api-key"]',
        'vertex_credentials',
        '*.vertex_credentials',
      ],
      censor: '<redacted>',
    },
  };
  const logger = pino(settings, destinationFor(options));
  plainLoggers.add(logger);
  return logger;
}

function destinationFor(options: LoggerOptions): DestinationStream {
  if (options.destination) return options.destination;
  // People reading a terminal get readable lines; pipes and files (log shippers) keep JSON.
  if (options.pretty ?? process.stdout.isTTY) {
    // Required only here (it is CommonJS): a gateway logging JSON never loads it (~10 MB).
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pretty({ colorize: true, sync: true, ignore: 'pid,hostname,service' });
  }
  // One write per event-loop turn, not one per line (see batched-stdout.ts).
  return createBatchedDestination();
}

/**
 * Loggers made by createLogger: no formatters, hooks, mixin or custom time, so a line pino
 * would write for them is known exactly (see infoLineWriter).
 */
const plainLoggers = new WeakSet<object>();

/** The pino internals infoLineWriter reads; `pino.symbols` exposes them for this kind of use. */
interface PinoInternals {
  readonly [key: symbol]: unknown;
}

/** Writes `info` lines whose fields are already JSON (infoLineWriter). */
export interface InfoLineWriter {
  /**
   * An `info` line would be written now. Read it before building a line's fields: the level
   * may be changed at run time, and a gateway logging at `warn` should not build them at all.
   */
  enabled(): boolean;
  /**
   * Writes one line: `fieldsJson` is `"a":1,"b":"x"` (no braces), `msg` the message. Nothing
   * is written while `info` is off.
   */
  write(fieldsJson: string, msg: string): void;
}

/**
 * Writes `info` lines whose fields are already JSON. A line is the one
 * `logger.info(fields, msg)` would write (level, time, the logger's bindings, the fields, msg)
 * to the same destination, without pino's generic serialiser, which walked and re-serialised
 * every field of the per-request line. Undefined for loggers not made by createLogger, or whose
 * destination wants pino's per-line metadata (multistream): callers then use `logger.info`.
 */
export function infoLineWriter(candidate: object): InfoLineWriter | undefined {
  if (!plainLoggers.has(candidate)) return undefined;
  const logger = candidate as Logger;
  const internals = logger as unknown as PinoInternals;
  const stream = internals[pino.symbols.streamSym] as DestinationStream & PinoInternals;
  const bindings = internals[pino.symbols.chindingsSym];
  if (typeof bindings !== 'string' || stream[pino.symbols.needsMetadataGsym] === true) {
    return undefined;
  }
  const enabled = (): boolean => logger.isLevelEnabled('info');
  // Callers pass the same message line after line: serialised once, not per line.
  let lastMsg: string | undefined;
  let lastMsgJson = '';
  // Likewise the time: an epoch in ms is no small integer to V8, and turning one into text
  // takes its slow path (~1k instructions); under load many lines share a millisecond.
  let lastTime = 0;
  let lastTimeText = '0';
  return {
    enabled,
    write(fieldsJson, msg) {
      if (!enabled()) return;
      if (msg !== lastMsg) {
        lastMsg = msg;
        lastMsgJson = JSON.stringify(msg);
      }
      const level = logger.levels.values.info;
      const time = Date.now();
      if (time !== lastTime) {
        lastTime = time;
        lastTimeText = String(time);
      }
      stream.write(
        `{"level":${level},"time":${lastTimeText}${bindings},${fieldsJson},"msg":${lastMsgJson}}\n`,
      );
    },
  };
}
