/**
 * The request lifecycle every wire of the controllable mock (startMockServer) shares: record the
 * request, wait out the fault's latency, hang until reset(), play a broken stream, or answer an
 * error fault. A wire supplies only its routes, its bodies and its framing.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Fault, FaultAnswer } from './mock-faults.ts';
import { parseBody, pathOf, readBody, type RequestHandler, send } from './mock-http.ts';
import type { MockState } from './mock-state.ts';

/** A request whose body was JSON (or empty), already recorded. */
export interface AcceptedRequest {
  readonly method: string;
  /** Without the query string. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed body; `null` when empty. */
  readonly body: unknown;
}

/**
 * A handler that counts and captures every request, then passes it to `accept`, or to
 * `malformed` when its body is not JSON (the capture keeps the raw text).
 */
export function createRecordingHandler(
  state: MockState,
  accept: (res: ServerResponse, request: AcceptedRequest) => void,
  malformed: (res: ServerResponse) => void,
): RequestHandler {
  return (req, res, url) => {
    const method = req.method ?? 'GET';
    const path = pathOf(url);
    readBody(req, (raw) => {
      const parsed = parseBody(raw);
      const body = parsed.ok ? parsed.value : parsed.raw;
      state.record(method, path, url, req.headers, body);
      if (parsed.ok) accept(res, { method, path, headers: req.headers, body });
      else malformed(res);
    });
  };
}

/**
 * Calls `answer` after the fault's latency (else the mock's), or, for a hanging fault, once
 * reset() releases it: the faults are gone by then, so it gets a healthy answer. Nothing is
 * answered to a client that has left.
 */
export function answerAfterLatency(
  state: MockState,
  res: ServerResponse,
  fault: Fault | undefined,
  answer: (fault: Fault | undefined) => void,
): void {
  const proceed = (): void => {
    if (res.destroyed) return;
    if (fault?.hang === true) {
      const forget = state.hold(() => answer(undefined));
      res.once('close', forget);
      return;
    }
    answer(fault);
  };
  const wait = fault?.latencyMs ?? state.latencyMs;
  if (wait <= 0) {
    proceed();
    return;
  }
  const timer = setTimeout(proceed, wait);
  res.once('close', () => clearTimeout(timer));
}

/** How one wire frames a stream, for the stream faults. */
export interface StreamFraming {
  /** Writes the 200 head of the stream. */
  start(): void;
  /** The whole stream, frame by frame, each frame complete (`data: …\n\n`). */
  frames(): readonly string[];
  /** The event that ends a `streamErrorAfter` stream. */
  errorFrame(): string;
  /** What a stalled stream sends when reset() releases it; `rest` is the frames held back. */
  release(rest: readonly string[]): string;
}

/**
 * Plays the fault's broken stream (cut, error event or stall), checked in that order; false when
 * the fault breaks no stream.
 */
export function playStreamFault(
  state: MockState,
  res: ServerResponse,
  fault: Fault,
  framing: StreamFraming,
): boolean {
  const cut = fault.streamCutAfter;
  const error = fault.streamErrorAfter;
  const stall = fault.streamStallAfter;
  if (cut === undefined && error === undefined && stall === undefined) return false;
  framing.start();
  const frames = framing.frames();
  if (cut !== undefined) {
    const payload = frames.slice(0, cut).join('');
    if (payload.length === 0) res.flushHeaders();
    // Destroy only once the bytes are out, or the cut would swallow the chunks it promised.
    res.write(payload, () => res.destroy());
  } else if (error !== undefined) {
    res.end(frames.slice(0, error).join('') + framing.errorFrame());
  } else {
    res.write(frames.slice(0, stall).join(''));
    const forget = state.hold(() => res.end(framing.release(frames.slice(stall))));
    res.once('close', forget);
  }
  return true;
}

/** Sends an error fault's answer: a string body as plain text, anything else as JSON. */
export function sendFaultAnswer(
  res: ServerResponse,
  answer: FaultAnswer,
  ownHeaders: Readonly<Record<string, string>>,
): void {
  const { status, headers, body } = answer;
  const text = typeof body === 'string';
  send(
    res,
    status,
    text ? body : JSON.stringify(body),
    { ...ownHeaders, ...headers },
    text ? 'text/plain; charset=utf-8' : 'application/json',
  );
}
