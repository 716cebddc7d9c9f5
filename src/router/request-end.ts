/**
 * The one `request:end` event per routed request (metrics and the request log read it), and the
 * response meta every request starts with.
 */
import type { Clock } from '../core/clock.ts';
import type { Operation } from '../core/openai-types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import type { RouterEvents } from '../core/router-events.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { newCallId } from '../core/call-id.ts';
import { attemptError } from './observe.ts';
import type { RequestRun } from './serve-request.ts';

/** How a request ended, as the router knows it. */
export interface RequestEnd {
  readonly operation: Operation;
  readonly stream: boolean;
  readonly meta: ResponseMeta;
  /** The `model` the client asked for. */
  readonly requestedGroup: string;
  /** Time to the first chunk of a stream, in ms. */
  readonly ttftMs: number | undefined;
  readonly error: GatewayError | undefined;
}

/** Emits `request:end` when anyone listens (nothing is built otherwise). */
export function emitRequestEnd(events: RouterEvents, clock: Clock, end: RequestEnd): void {
  if (!events.has('request:end')) return;
  events.emit('request:end', {
    operation: end.operation,
    stream: end.stream,
    meta: end.meta,
    requestedGroup: end.requestedGroup,
    durationMs: clock.now() - end.meta.startedAt,
    ttftMs: end.ttftMs,
    error: end.error ? attemptError(end.error) : undefined,
  });
}

/** Emits `request:end` for a routed request: one that got as far as its plan (RequestRun). */
export function emitRunEnd<T>(
  events: RouterEvents,
  clock: Clock,
  run: RequestRun<T>,
  ttftMs: number | undefined,
  error: GatewayError | undefined,
): void {
  emitRequestEnd(events, clock, {
    operation: run.operation,
    // Streams are the runs that leave success to their supervisor.
    stream: run.deferSuccess,
    meta: run.meta,
    requestedGroup: run.body.model,
    ttftMs,
    error,
  });
}

/** A request's meta before its first attempt: a new call id, nothing tried yet. */
export function newResponseMeta(group: string, numRetries: number, now: number): ResponseMeta {
  return {
    callId: newCallId(),
    group,
    deploymentId: undefined,
    apiBase: undefined,
    attemptedRetries: 0,
    attemptedFallbacks: 0,
    maxRetries: numRetries,
    startedAt: now,
    upstreamMs: 0,
    rateLimit: undefined,
  };
}
