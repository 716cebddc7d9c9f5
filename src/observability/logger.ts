import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** pino's levels, quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export function isLogLevel(value: string): boolean {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  /** pino level. Default `info`; `LOG_LEVEL` in the environment overrides it in the CLI. */
  readonly level?: string;
}

/**
 * The gateway's structured logger (JSON lines on stdout). Secrets are redacted by path as a
 * second line of defence; the first is never passing them to the logger at all.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { service: 'switchyard' },
    redact: {
      paths: [
        'api_key',
        '*.api_key',
        'apiKey',
        '*.apiKey',
        'master_key',
        '*.masterKey',
        'authorization',
        '*.authorization',
      ],
      censor: '<redacted>',
    },
  });
}
