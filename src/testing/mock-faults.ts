import {
  FAULT_KINDS,
  type ErrorContext,
  type FaultKind,
  isFaultKind,
  kindError,
  kindHeaders,
  kindStatus,
  statusError,
} from './mock-errors.ts';
import { createCountedQueue } from './counted-queue.ts';

/**
 * A misbehaviour to inject into the mock upstream, programmatically (`fail`) or over the
 * control API (`POST /__control/fault`). Faults queue in order; the first that matches a
 * request applies to it. Fields combine: `latencyMs` delays whatever else the fault does.
 */
export interface Fault {
  /** Status to answer with. Default: the kind's status; else 500 when `body` is set. */
  status?: number;
  /**
   * Error body. Objects are sent as JSON; a string is sent as-is as `text/plain` (an HTML page
   * from a broken proxy, say). Default: OpenAI's body for the kind, else for the status.
   */
  body?: unknown;
  /** Extra response headers, e.g. `{ 'retry-after': '2' }`. Win over the kind's headers. */
  headers?: Record<string, string>;
  /** Delay before answering, in ms. Replaces the upstream's base latency for this request. */
  latencyMs?: number;
  /** Accept the request and never answer, until the client goes away or `reset()`. */
  hang?: boolean;
  /** Streams only: send this many chunks, then destroy the socket without `[DONE]`. */
  streamCutAfter?: number;
  /** Streams only: send this many chunks, then an SSE `data: {"error":…}` event, and end. */
  streamErrorAfter?: number;
  /**
   * Streams only: send this many chunks, then go silent with the connection open (counted by
   * `hanging()`) until the client goes away or `reset()` ends the stream.
   */
  streamStallAfter?: number;
  /** A realistic OpenAI failure: picks the status, body and headers. */
  kind?: FaultKind;
  /** Apply to the next `times` matching requests, then clear. Default: until `reset()`. */
  times?: number;
  /**
   * Only requests to these paths. A path matches the request's own path (`/chat/completions`,
   * `/openai/deployments/x/chat/completions`) or its canonical form (`/v1/chat/completions`,
   * which therefore covers every alias of the endpoint).
   */
  paths?: string[];
}

type FaultKey = keyof Fault;

const FAULT_KEYS: ReadonlySet<string> = new Set<FaultKey>([
  'status',
  'body',
  'headers',
  'latencyMs',
  'hang',
  'streamCutAfter',
  'streamStallAfter',
  'streamErrorAfter',
  'kind',
  'times',
  'paths',
]);

/**
 * Checks a fault (often JSON from the control API) and returns a frozen copy. Throws a
 * RangeError naming the first bad field, so a typo never silently injects nothing.
 */
export function normalizeFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RangeError('a fault must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!FAULT_KEYS.has(key)) throw new RangeError(`unknown fault field "${key}"`);
  }
  const fault: Fault = { ...(raw as Fault) };
  if (fault.status !== undefined) expectInteger('status', fault.status, 100, 599);
  if (fault.latencyMs !== undefined) expectInteger('latencyMs', fault.latencyMs, 0);
  if (fault.streamCutAfter !== undefined) expectInteger('streamCutAfter', fault.streamCutAfter, 0);
  if (fault.streamStallAfter !== undefined) {
    expectInteger('streamStallAfter', fault.streamStallAfter, 0);
  }
  if (fault.streamErrorAfter !== undefined) {
    expectInteger('streamErrorAfter', fault.streamErrorAfter, 0);
  }
  if (fault.times !== undefined) expectInteger('times', fault.times, 1);
  if (fault.hang !== undefined && typeof fault.hang !== 'boolean') {
    throw new RangeError(`fault.hang must be a boolean, got ${String(fault.hang)}`);
  }
  if (fault.kind !== undefined && !isFaultKind(fault.kind)) {
    throw new RangeError(
      `fault.kind must be one of ${FAULT_KINDS.join(', ')}, got ${String(fault.kind)}`,
    );
  }
  if (fault.headers !== undefined) fault.headers = checkHeaders(fault.headers);
  if (fault.paths !== undefined) fault.paths = checkPaths(fault.paths);
  return Object.freeze(fault);
}

/** True when the fault answers with an error status rather than a (possibly broken) success. */
export function isErrorFault(fault: Fault): boolean {
  return fault.status !== undefined || fault.kind !== undefined || fault.body !== undefined;
}

/** Stream faults only match streaming requests, so they never consume a non-streaming call. */
export function isStreamFault(fault: Fault): boolean {
  return (
    fault.streamCutAfter !== undefined ||
    fault.streamErrorAfter !== undefined ||
    fault.streamStallAfter !== undefined
  );
}

/** What an error fault answers: status, headers (kind's, then the fault's) and body. */
export interface FaultAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** The status, headers and body an error fault answers with. */
export function faultAnswer(fault: Fault, context: ErrorContext): FaultAnswer {
  const status = fault.status ?? (fault.kind ? kindStatus(fault.kind) : 500);
  const body =
    fault.body ?? (fault.kind ? kindError(fault.kind, context) : statusError(status, context));
  const headers = { ...(fault.kind ? kindHeaders(fault.kind) : undefined), ...fault.headers };
  return { status, headers, body };
}

/** The error object sent as the last SSE event of a `streamErrorAfter` fault. */
export function streamErrorBody(fault: Fault, context: ErrorContext): unknown {
  if (fault.body !== undefined) return fault.body;
  if (fault.kind !== undefined) return kindError(fault.kind, context);
  return statusError(fault.status ?? 500, context);
}

/** Injected faults in order, each with how many more requests it applies to. */
export interface FaultQueue {
  add(fault: Fault): void;
  /** The first fault matching the request, counting one use of it; undefined when none. */
  take(path: string, canonicalPath: string, stream: boolean): Fault | undefined;
  clear(): void;
  size(): number;
}

/** An empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const queue = createCountedQueue<Fault>();

  function matches(fault: Fault, path: string, canonicalPath: string, stream: boolean): boolean {
    if (!stream && isStreamFault(fault)) return false;
    const paths = fault.paths;
    return paths === undefined || paths.includes(path) || paths.includes(canonicalPath);
  }

  return {
    add: (fault) => queue.add(fault, fault.times),
    take: (path, canonicalPath, stream) =>
      queue.take((fault) => matches(fault, path, canonicalPath, stream)),
    clear: () => queue.clear(),
    size: () => queue.size(),
  };
}

function expectInteger(name: string, value: unknown, min: number, max = Infinity): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `${min}–${max}`;
    throw new RangeError(`fault.${name} must be an integer ${range}, got ${String(value)}`);
  }
}

function checkHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError('fault.headers must be an object of header names to string values');
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue !== 'string') {
      throw new RangeError(`fault.headers["${name}"] must be a string`);
    }
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}

function checkPaths(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((path) => typeof path === 'string')) {
    throw new RangeError('fault.paths must be an array of paths such as "/v1/chat/completions"');
  }
  return [...value];
}
