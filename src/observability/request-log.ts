import type { LogFn } from 'pino';
import type { RouterEventMap, RouterEvents } from '../core/router-events.ts';
import { memoizeString } from '../core/string-memo.ts';
import type { InfoLineWriter } from './logger.ts';

/** What the request log needs of a logger: pino's `info` (a fastify logger has it too). */
export interface RequestLogSink {
  readonly info: LogFn;
  /** pino's level check; without it, every line is built and handed to `info`. */
  readonly isLevelEnabled?: (level: string) => boolean;
}

/**
 * One line per request, in the log's JSON. It says how the request was served, never what it
 * said: no body, no message text, no key (an error's message may quote the upstream).
 */
export interface RequestLogLine {
  readonly call_id: string;
  readonly operation: string;
  readonly stream: boolean;
  /** The group the client asked for. */
  readonly model_group: string;
  /** The group that answered (a fallback's, after one), or the one asked for on failure. */
  readonly answered_by: string;
  /** The deployment that answered, or failed last; absent when none was called. */
  readonly model_id: string | undefined;
  /** api_base without credentials. */
  readonly api_base: string | undefined;
  /** 200, or the error's status. */
  readonly status: number;
  /** The error's kind (`RateLimitError`, `Timeout`, …); absent on success. */
  readonly error_kind: string | undefined;
  readonly attempted_retries: number;
  readonly attempted_fallbacks: number;
  /** Until the answer (a stream: until its end), in ms. */
  readonly duration_ms: number;
  /** Time not spent waiting on an upstream before the answer (stream: before its first chunk), ms. */
  readonly overhead_ms: number;
  /** Streams that started: time to the first chunk, ms. */
  readonly ttft_ms: number | undefined;
}

/**
 * The request's RequestLogLine as JSON fields (`"call_id":"…",…`, no braces), in the order
 * RequestLogLine lists them; fields that are undefined are left out, as pino leaves them out.
 * Built in one pass: the line is written once per request.
 */
export function requestLogFields(event: RouterEventMap['request:end']): string {
  const { meta, error } = event;
  // For a stream, upstream time is counted up to its commit point only.
  const answeredMs = event.ttftMs ?? event.durationMs;
  const overheadMs = Math.max(0, answeredMs - meta.upstreamMs);
  return (
    `"call_id":${quoteJson(meta.callId)},"operation":"${event.operation}","stream":${event.stream}` +
    `,"model_group":${jsonString(event.requestedGroup)},"answered_by":${jsonString(meta.group)}` +
    (meta.deploymentId === undefined ? '' : `,"model_id":${jsonString(meta.deploymentId)}`) +
    (meta.apiBase === undefined ? '' : `,"api_base":${jsonString(meta.apiBase)}`) +
    `,"status":${error ? error.status : 200}` +
    (error === undefined ? '' : `,"error_kind":${jsonString(error.kind)}`) +
    `,"attempted_retries":${meta.attemptedRetries},"attempted_fallbacks":${meta.attemptedFallbacks}` +
    `,"duration_ms":${jsonNumber(event.durationMs)},"overhead_ms":${jsonNumber(overheadMs)}` +
    (event.ttftMs === undefined ? '' : `,"ttft_ms":${jsonNumber(event.ttftMs)}`)
  );
}

/**
 * The same fields as an object, for loggers that take only objects (pretty printing,
 * multistream, foreign ones): parsed back from requestLogFields, so the two never differ.
 */
export function requestLogObject(event: RouterEventMap['request:end']): RequestLogLine {
  return JSON.parse(`{${requestLogFields(event)}}`) as RequestLogLine;
}

/**
 * What JSON.stringify escapes in a string: quotes, backslashes, control characters, and
 * surrogates (a lone one is escaped; a string with a pair is simply left to JSON.stringify).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `value` as JSON.stringify writes it. The line's strings (ids, group names, URLs) rarely need
 * escaping, and then are quoted as they are: six JSON.stringify calls a line, each with its
 * own set-up, were a measurable part of the request log's cost.
 */
function quoteJson(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * quoteJson() for a string likely to come again: a line's group names, deployment ids and
 * api_bases come from the config and repeat on every line, and the escape test was ~1 µs a line.
 */
export const jsonString = memoizeString(quoteJson);

/** A number as JSON writes it: a non-finite one is `null`. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * Logs every finished request at `info` with the message `request`: through `writeLine` when
 * given (the fields serialised here, once), else through `logger.info`. A line's fields are
 * built only when `info` is on. Returns the function that stops it.
 */
export function subscribeRequestLog(
  events: RouterEvents,
  logger: RequestLogSink,
  writeLine?: InfoLineWriter,
): () => void {
  const offEnd = events.on(
    'request:end',
    writeLine === undefined
      ? (event) => {
          if (logger.isLevelEnabled?.('info') === false) return;
          logger.info(requestLogObject(event), 'request');
        }
      : (event) => {
          if (writeLine.enabled()) writeLine.write(requestLogFields(event), 'request');
        },
  );
  // Refused before routing: the status and kind, never the client's model text or message.
  const offRejected = events.on('request:rejected', (event) => {
    logger.info(
      { path: event.path, status: event.error.status, error_kind: event.error.kind },
      'request rejected',
    );
  });
  return () => {
    offEnd();
    offRejected();
  };
}
