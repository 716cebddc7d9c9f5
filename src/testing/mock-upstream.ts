/**
 * A fake OpenAI-compatible provider on a real loopback socket: the upstream for tests,
 * `switchyard mock`, the failover demo and the benchmarks. Plain `node:http` with keep-alive
 * and no per-request logging, so it is never the bottleneck it is measured against.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from './mock-api.ts';
import { CONTROL_PREFIX, createControlHandler } from './mock-control.ts';
import { type Fault, normalizeFault } from './mock-faults.ts';
import type { RequestHandler } from './mock-http.ts';
import {
  type CapturedRequest,
  createMockState,
  type MockState,
  type MockUpstreamHits,
} from './mock-state.ts';
import { createReplyTemplate } from './mock-wire.ts';

/** Options of {@link startMockUpstream}. */
export interface MockUpstreamOptions {
  /** Port to listen on. Default 0: an ephemeral port, then kept across `stop()`/`start()`. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Answer text of every completion. Default `Hello from <name>`. */
  reply?: string;
  /** Shown in the default reply, `x-mock-upstream` response headers and `owned_by`. Default `mock`. */
  name?: string;
  /** Model ids listed by `GET /v1/models`. Default: a few OpenAI model names. */
  models?: readonly string[];
}

/** A running mock upstream. Every method is also reachable over the control API. */
export interface MockUpstream {
  readonly name: string;
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  /** What a deployment's `api_base` points at: `url + '/v1'` (OpenAI wire), `url` (Anthropic). */
  readonly baseUrl: string;
  /** The listening port, the same across `stop()`/`start()`. */
  readonly port: number;
  /** Counters since start or the last `reset()`. */
  hits(): MockUpstreamHits;
  /** The last 100 requests, oldest first. */
  requests(): CapturedRequest[];
  /** Requests currently held by a `hang` fault. */
  hanging(): number;
  /** Clears faults, counters and captures; hung requests then get a healthy answer. */
  reset(): void;
  /** Queues a fault; the first queued fault matching a request applies. Throws RangeError if malformed. */
  fail(fault: Fault): void;
  /** Changes the answer text of later requests. */
  setReply(text: string): void;
  /** Delays every answer by `ms` (a fault's `latencyMs` replaces it). Default 0. */
  setLatency(ms: number): void;
  /** Refuses connections for `ms`, then listens again on the same port. */
  down(ms: number): Promise<void>;
  /** Stops listening and destroys open sockets: new connections are refused (ECONNREFUSED). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Shuts down for good, destroying open sockets. */
  close(): Promise<void>;
}

const DEFAULT_MODELS: readonly string[] = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-3.5-turbo-instruct',
  'text-embedding-3-small',
];

/**
 * Longer than client pools keep idle sockets (undici: 4 s), so the client always closes an
 * idle connection first and never sends a request into one the server is closing.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * The wire format a mock speaks: everything else (faults, control API, lifecycle) is shared, so
 * an Anthropic-wire mock is a second handler, not a second server.
 */
export interface MockWire {
  /** The handler of every non-control request. */
  readonly createApi: (state: MockState) => RequestHandler;
  /** Appended to `url` to form `baseUrl`, e.g. `/v1`. */
  readonly basePath: string;
  /** Model ids listed when the options name none. */
  readonly defaultModels: readonly string[];
}

const OPENAI_WIRE: MockWire = {
  createApi: createApiHandler,
  basePath: '/v1',
  defaultModels: DEFAULT_MODELS,
};

/** Starts a mock upstream and resolves once it is listening. */
export function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  return startMockServer(options, OPENAI_WIRE);
}

/** Starts a mock upstream speaking `wire` and resolves once it is listening. */
export async function startMockServer(
  options: MockUpstreamOptions,
  wire: MockWire,
): Promise<MockUpstream> {
  const name = options.name ?? 'mock';
  const host = options.host ?? '127.0.0.1';
  const state = createMockState({
    name,
    reply: options.reply ?? `Hello from ${name}`,
    models: options.models ?? wire.defaultModels,
  });
  let port = options.port ?? 0;
  let current: { server: Server; ready: Promise<void> } | undefined;
  let stopping: Promise<void> = Promise.resolve();
  let downTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const fail = (fault: Fault): void => state.faults.add(normalizeFault(fault));
  const setReply = (text: string): void => {
    state.reply = createReplyTemplate(text);
  };
  const setLatency = (ms: number): void => {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be >= 0 ms, got ${ms}`);
    state.latencyMs = ms;
  };

  const api = wire.createApi(state);
  const control = createControlHandler({ state, fail, setReply, setLatency, down });
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    if (url.startsWith(CONTROL_PREFIX)) control(req, res, url);
    else api(req, res, url);
  };

  function cancelDown(): void {
    clearTimeout(downTimer);
    downTimer = undefined;
  }

  async function start(): Promise<void> {
    if (closed) throw new Error(`mock upstream "${name}" is closed`);
    cancelDown();
    await stopping;
    if (current !== undefined) return current.ready;
    const server = createServer(onRequest);
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    const ready = listen(server, port, host).then(() => {
      port = (server.address() as AddressInfo).port;
    });
    current = { server, ready };
    try {
      await ready;
    } catch (error) {
      current = undefined;
      throw error;
    }
  }

  async function stop(): Promise<void> {
    cancelDown();
    const running = current;
    if (running === undefined) return stopping;
    current = undefined;
    stopping = running.ready.then(
      () => closeServer(running.server),
      () => undefined,
    );
    return stopping;
  }

  async function down(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`down expects ms >= 0, got ${ms}`);
    await stop();
    if (closed) return;
    downTimer = setTimeout(() => {
      downTimer = undefined;
      // Nobody awaits a timer: if the port was taken meanwhile, the mock just stays down.
      start().catch(() => undefined);
    }, ms);
  }

  await start();
  const url = `http://${urlHost(host)}:${port}`;

  return {
    name,
    url,
    baseUrl: url + wire.basePath,
    port,
    hits: () => state.hits(),
    requests: () => state.requests(),
    hanging: () => state.held(),
    reset: () => state.reset(),
    fail,
    setReply,
    setLatency,
    down,
    stop,
    start,
    async close() {
      closed = true;
      await stop();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  // Let in-process clients notice their sockets closed before anyone dials again, so the next
  // request gets a fresh connection (and ECONNREFUSED) rather than a dead pooled socket. The
  // peer reads the EOF in the next poll phase and drops the socket in the close phase after it;
  // three check phases (setImmediate) guarantee both have run.
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** A host clients can dial: wildcard binds are reached over loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
