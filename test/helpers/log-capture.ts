/** A pino logger whose JSON lines are kept in memory, so tests read (and grep) every one. */
import { createLogger, type Logger } from '../../src/observability/logger.ts';

export interface CapturedLogs {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Every line written so far, raw, joined. */
  text(): string;
}

export function captureLogs(level = 'info'): CapturedLogs {
  const raw: string[] = [];
  const logger = createLogger({ level, destination: { write: (line) => void raw.push(line) } });
  return {
    logger,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => raw.join(''),
  };
}
