import type { IncomingHttpHeaders } from 'node:http';
import { createFaultQueue, type FaultQueue } from './mock-faults.ts';
import { flattenHeaders } from './mock-http.ts';
import { createReplyTemplate, type ReplyTemplate } from './mock-wire.ts';

/** Request counters. Control API calls are never counted. */
export interface MockUpstreamHits {
  total: number;
  /** By request path without its query string, e.g. `/v1/chat/completions`. */
  byPath: Record<string, number>;
}

/** One request as the mock received it. */
export interface CapturedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The full request target, query string included (`?api-version=…` for Azure). */
  url: string;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Parsed JSON; the raw text when it is not JSON; null when the body is empty. */
  body: unknown;
}

/** The mutable state behind one mock upstream, shared by its API and control handlers. */
export interface MockState {
  readonly name: string;
  readonly models: readonly string[];
  readonly faults: FaultQueue;
  reply: ReplyTemplate;
  /** Base delay before every answer, in ms. */
  latencyMs: number;
  /** A fresh response id suffix. */
  nextId(): string;
  /** Counts and captures one request. */
  record(
    method: string,
    path: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: unknown,
  ): void;
  hits(): MockUpstreamHits;
  requests(): CapturedRequest[];
  /** Registers a hung request; `release` answers it. Returns a function that forgets it. */
  hold(release: () => void): () => void;
  /** Hung requests not yet released or abandoned. */
  held(): number;
  /** Clears faults, counters and captures, and answers hung requests. */
  reset(): void;
}

/** How many requests `requests()` remembers. */
export const CAPTURE_LIMIT = 100;

interface RawCapture {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** Fresh state: no faults, no hits, latency 0. */
export function createMockState(options: {
  name: string;
  reply: string;
  models: readonly string[];
}): MockState {
  let total = 0;
  let byPath = new Map<string, number>();
  // A ring buffer: headers are copied lazily in requests(), keeping the hot path to a store.
  let captures: RawCapture[] = [];
  let nextSlot = 0;
  let sequence = 0;
  const hung = new Set<() => void>();
  const faults = createFaultQueue();
  const idPrefix = `mock${Date.now().toString(36)}-`;

  return {
    name: options.name,
    models: options.models,
    faults,
    reply: createReplyTemplate(options.reply),
    latencyMs: 0,

    nextId: () => idPrefix + String(++sequence),

    record(method, path, url, headers, body) {
      total += 1;
      byPath.set(path, (byPath.get(path) ?? 0) + 1);
      const capture = { method, path, url, headers, body };
      if (captures.length < CAPTURE_LIMIT) {
        captures.push(capture);
      } else {
        captures[nextSlot] = capture;
        nextSlot = (nextSlot + 1) % CAPTURE_LIMIT;
      }
    },

    hits: () => ({ total, byPath: Object.fromEntries(byPath) }),

    requests() {
      const ordered = [...captures.slice(nextSlot), ...captures.slice(0, nextSlot)];
      return ordered.map((capture) => ({ ...capture, headers: flattenHeaders(capture.headers) }));
    },

    hold(release) {
      hung.add(release);
      return () => {
        hung.delete(release);
      };
    },

    held: () => hung.size,

    reset() {
      faults.clear();
      total = 0;
      byPath = new Map();
      captures = [];
      nextSlot = 0;
      const releases = [...hung];
      hung.clear();
      for (const release of releases) release();
    },
  };
}
