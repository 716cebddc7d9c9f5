import type { CancelSignal } from '../core/cancellation.ts';
import type { StoreStatus } from '../state/state-store.ts';
import type { RouterEventMap } from '../core/router-events.ts';
import type {
  GatewayRequestBody,
  Operation,
  ResponseBody,
  StreamChunk,
} from '../core/openai-types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import type { UpstreamHeaders } from '../providers/provider.ts';

export interface RouteOptions {
  /**
   * Aborted when the client goes away; the upstream call is cancelled at once. An AbortSignal,
   * or anything with its `aborted`, `reason` and abort listeners (the gateway passes its lighter
   * Cancellation).
   */
  readonly signal?: CancelSignal;
  /** The client's request headers (lower-case names), for per-request routing hints. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * Streams only: the caller writes each chunk out as text (formatSseData) and never reads its
   * fields, as the gateway's SSE writer does. Chunks an OpenAI-format upstream sent may then
   * come unparsed: objects without fields that carry only their text (sourceTextOf), or that
   * stand for all the events of one upstream read, framing included, when each of them is such
   * a chunk (formatSseData writes them as they came). The router still parses what it needs
   * itself (errors, usage, and every chunk when mid-stream fallback may continue the stream).
   * Default false: every chunk is a parsed object.
   */
  readonly forwardChunks?: boolean;
}

export interface RouterResult {
  readonly body: ResponseBody;
  /** Upstream headers worth passing on (e.g. `x-ratelimit-*`). */
  readonly upstreamHeaders: UpstreamHeaders;
  readonly meta: ResponseMeta;
}

/**
 * A stream past its commit point: the first chunk has arrived, so the router can no longer
 * retry it. Iterate to receive chunks (the first included); a later failure throws a
 * GatewayError, which the server turns into an SSE error event (no `[DONE]`).
 */
export interface RouterStream extends AsyncIterable<StreamChunk> {
  readonly upstreamHeaders: UpstreamHeaders;
  readonly meta: ResponseMeta;
}

/** A chat/completion/embedding request as the router receives it. */
export type RouterRequestBody = GatewayRequestBody;

export interface HealthEndpoint {
  /** The deployment's LiteLLM model string, `provider/upstream-model`. */
  readonly model: string;
  /** The group it serves. */
  readonly model_name: string;
  readonly model_id: string;
  readonly api_base: string | undefined;
  readonly error?: string;
  /** With background health checks: when this result was taken (ISO 8601). */
  readonly last_checked_at?: string;
  /** With background health checks: how old this result is, in whole seconds. */
  readonly age_seconds?: number;
}

/**
 * The answer of `GET /health`: a real minimal call to every deployment, or with background
 * health checks the latest results and their age. Keys never appear.
 */
export interface HealthReport {
  readonly healthy_endpoints: HealthEndpoint[];
  readonly unhealthy_endpoints: HealthEndpoint[];
  readonly healthy_count: number;
  readonly unhealthy_count: number;
}

/**
 * The engine the HTTP server drives; `Router` implements it. The server holds no reliability
 * logic: it parses, authenticates, calls one of these and writes the answer.
 */
export interface RouterEngine {
  /** Serves a non-streaming request. Rejects with a GatewayError whose `meta` is set. */
  route(
    operation: Operation,
    body: RouterRequestBody,
    options?: RouteOptions,
  ): Promise<RouterResult>;
  /** Opens a stream (chat or completion); resolves at the commit point (first chunk received). */
  routeStream(
    operation: Operation,
    body: RouterRequestBody,
    options?: RouteOptions,
  ): Promise<RouterStream>;
  /** The names `GET /v1/models` lists: groups in config order, wildcard patterns, aliases. */
  modelGroups(): readonly string[];
  /**
   * Whether a request for `name` can be routed, including hidden aliases and names a wildcard
   * group serves. When absent, exactly the names modelGroups() lists are served.
   */
  servesModel?(name: string): boolean;
  /** A real minimal call to every deployment, concurrently, bounded by the health timeout. */
  health(): Promise<HealthReport>;
  /**
   * The shared state store's connection: `none` (nothing shared), `connected`, or `degraded`
   * (configured but unreachable: this instance serves on local state). Readiness reports it.
   */
  stateStatus?(): StoreStatus;
  /** Tells observers about a request the server refused before routing it. */
  reportRejected?(rejection: RouterEventMap['request:rejected']): void;
  /** Cancels timers and closes upstream connection pools. */
  close(): Promise<void>;
}
