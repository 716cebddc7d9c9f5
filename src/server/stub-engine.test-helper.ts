/**
 * A stub RouterEngine for the server's tests: records every call and answers with whatever the
 * test set. Not a test file itself; imported by the `*.test.ts` files next to it.
 */
import { afterEach } from 'node:test';
import type { GeneralSettings } from '../config/plan.ts';
import { createFakeClock } from '../testing/fake-clock.ts';
import { buildServer, type GatewayServer } from './build-server.ts';
import type { GatewayRequestBody, Operation, StreamChunk } from '../core/openai-types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import type {
  HealthReport,
  RouteOptions,
  RouterEngine,
  RouterResult,
  RouterStream,
} from '../router/types.ts';
import type { UpstreamHeaders } from '../providers/provider.ts';

export interface EngineCall {
  readonly method: 'route' | 'routeStream';
  readonly operation: Operation;
  readonly body: GatewayRequestBody;
  readonly options: RouteOptions | undefined;
}

type Answer<T> = (call: EngineCall) => Promise<T>;

export interface StubEngine extends RouterEngine {
  readonly calls: EngineCall[];
  /** What route() answers. Default: a chat completion with meta from `meta()`. */
  answerRoute: Answer<RouterResult>;
  /** What routeStream() answers. Default: two chunks. */
  answerStream: Answer<RouterStream>;
  answerHealth: () => Promise<HealthReport>;
  /** Resolves with the next call once the engine receives it. */
  nextCall(): Promise<EngineCall>;
}

export const GROUPS = ['gpt-4o', 'text-embedding-3-small', 'davinci'] as const;

export const START_MS = Date.UTC(2026, 0, 1);

export const GENERAL: GeneralSettings = {
  masterKey: undefined,
  maxRequestBodyBytes: 64 * 1024,
  healthCheckTimeoutMs: 10_000,
  backgroundHealthChecks: false,
  healthCheckIntervalMs: 300_000,
  enableHealthCheckRouting: false,
  requireAuthForMetrics: false,
  drainTimeoutMs: 30_000,
};

/** Meta as the router would report it: started 250 ms before START_MS, 200 ms upstream. */
export function meta(overrides: Partial<ResponseMeta> = {}): ResponseMeta {
  return {
    callId: 'call-123',
    group: 'gpt-4o',
    deploymentId: 'dep-a',
    apiBase: 'https://api.example.com/v1',
    attemptedRetries: 0,
    attemptedFallbacks: 0,
    maxRetries: 2,
    startedAt: START_MS - 250,
    upstreamMs: 200,
    rateLimit: undefined,
    ...overrides,
  };
}

export const CHAT_COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
};

export function result(
  body: Record<string, unknown> = CHAT_COMPLETION,
  upstreamHeaders: UpstreamHeaders = {},
  overrides: Partial<ResponseMeta> = {},
): RouterResult {
  return { body, upstreamHeaders, meta: meta(overrides) };
}

export function chunk(content: string): StreamChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
}

export interface StreamScript {
  readonly chunks: readonly StreamChunk[];
  /** Thrown after the chunks. */
  readonly failWith?: Error;
  /** Awaited before each chunk after the first (the first has arrived at the commit point). */
  readonly beforeEachLaterChunk?: () => Promise<void>;
  readonly upstreamHeaders?: UpstreamHeaders;
  /** Called when the consumer stops early (the iterator's return()). */
  readonly onReturn?: () => void;
}

/** A RouterStream that plays `script`. */
export function scriptedStream(script: StreamScript): RouterStream {
  return {
    upstreamHeaders: script.upstreamHeaders ?? {},
    meta: meta(),
    [Symbol.asyncIterator]() {
      let index = 0;
      let finished = false;
      return {
        async next(): Promise<IteratorResult<StreamChunk>> {
          if (finished) return { done: true, value: undefined };
          if (index > 0 && index <= script.chunks.length && script.beforeEachLaterChunk) {
            await script.beforeEachLaterChunk();
          }
          const value = script.chunks[index++];
          if (value !== undefined) return { done: false, value };
          finished = true;
          if (script.failWith !== undefined) throw script.failWith;
          return { done: true, value: undefined };
        },
        return(): Promise<IteratorResult<StreamChunk>> {
          if (!finished) script.onReturn?.();
          finished = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}

export const HEALTH_REPORT: HealthReport = {
  healthy_endpoints: [
    {
      model: 'openai/gpt-4o',
      model_name: 'gpt-4o',
      model_id: 'dep-a',
      api_base: 'https://api.example.com/v1',
    },
  ],
  unhealthy_endpoints: [],
  healthy_count: 1,
  unhealthy_count: 0,
};

export function createStubEngine(groups: readonly string[] = GROUPS): StubEngine {
  const calls: EngineCall[] = [];
  const waiters: ((call: EngineCall) => void)[] = [];
  function record(call: EngineCall): EngineCall {
    calls.push(call);
    waiters.shift()?.(call);
    return call;
  }
  const engine: StubEngine = {
    calls,
    answerRoute: () => Promise.resolve(result()),
    answerStream: () => Promise.resolve(scriptedStream({ chunks: [chunk('Hel'), chunk('lo')] })),
    answerHealth: () => Promise.resolve(HEALTH_REPORT),
    route(operation, body, options) {
      return engine.answerRoute(record({ method: 'route', operation, body, options }));
    },
    routeStream(operation, body, options) {
      return engine.answerStream(record({ method: 'routeStream', operation, body, options }));
    },
    modelGroups: () => groups,
    health: () => engine.answerHealth(),
    close: () => Promise.resolve(),
    nextCall: () => new Promise((resolve) => waiters.push(resolve)),
  };
  return engine;
}

/** A promise with its resolve function, for gating a stub step on the test. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Splits an SSE payload into its `data:` values. */
export function sseData(payload: string): string[] {
  return payload
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => event.replace(/^data: /, ''));
}

/**
 * Registers an afterEach that closes the server the test started; returns the starter. Each
 * test file calls it once at top level.
 */
export function useTestServer(): (engine: StubEngine) => GatewayServer {
  let server: GatewayServer | undefined;
  afterEach(async () => {
    await server?.app.close();
    server = undefined;
  });
  return (engine) => {
    server = buildServer({ engine, general: GENERAL, clock: createFakeClock(START_MS) });
    return server;
  };
}
