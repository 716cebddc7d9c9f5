/**
 * A compiled deployment: one entry of `model_list`, validated, with its provider resolved and
 * its id fixed. Built once at start-up by config/compile.ts and frozen; the request path only
 * reads it.
 */
export interface Deployment {
  /** `model_info.id`, else a stable hash of `model_name` + `litellm_params` (same on every instance). */
  readonly id: string;
  /** The group (`model_name`) clients ask for. */
  readonly group: string;
  /** The provider that serves it: `openai`, `azure`, `hosted_vllm`, `mock`, … */
  readonly provider: string;
  /** The model name sent upstream: `litellm_params.model` without its provider prefix. */
  readonly upstreamModel: string;
  /** Upstream base URL without a trailing slash; undefined when the provider has none (mock). */
  readonly apiBase: string | undefined;
  /** Secret. Never logged, never in a header, error, metric or health answer. */
  readonly apiKey: string | undefined;
  readonly apiVersion: string | undefined;
  /** Whole-attempt timeout in ms, when the deployment sets `timeout`. */
  readonly timeoutMs: number | undefined;
  /** Time to first stream chunk in ms, when the deployment sets `stream_timeout`. */
  readonly streamTimeoutMs: number | undefined;
  /** Per-deployment `max_retries` (LiteLLM passes it to the provider client). */
  readonly maxRetries: number | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  /** Concurrent requests this deployment takes (`max_parallel_requests`); undefined = no limit of its own. */
  readonly maxParallelRequests: number | undefined;
  readonly weight: number | undefined;
  /** Priority tier: lower serves first. Default 1. */
  readonly order: number;
  readonly region: string | undefined;
  readonly inputCostPerToken: number | undefined;
  readonly outputCostPerToken: number | undefined;
  /** Per-deployment bench length in ms; wins over the router's `cooldown_time`. */
  readonly cooldownTimeMs: number | undefined;
  /** `mock_response` from `litellm_params`: answer with this text instead of calling upstream. */
  readonly mockResponse: string | undefined;
  /** `model_info`: `base_model`, `max_input_tokens`, `mode`, and anything else the user put there. */
  readonly info: Readonly<DeploymentInfo>;
  /**
   * Provider-specific `litellm_params` not covered above (e.g. `mock_latency_ms`, `organization`,
   * `extra_headers`). Read only by the provider adapter.
   */
  readonly extra: Readonly<Record<string, unknown>>;
  /**
   * For a deployment a wildcard group derived for one requested name: the id of the template
   * (`model_name: openai/*`) it came from. Its provider, api_base and metric labels are the
   * template's. Undefined for every configured deployment.
   */
  readonly derivedFrom?: string;
}

export interface DeploymentInfo {
  readonly id?: string;
  readonly base_model?: string;
  readonly max_input_tokens?: number;
  readonly mode?: string;
  readonly [key: string]: unknown;
}
