/**
 * Every Prometheus metric the gateway exports, declared on one registry. Names and label names
 * are LiteLLM's, as they appear on the wire: Python's client appends `_total` to counters, so
 * a LiteLLM counter declared `litellm_deployment_cooled_down` is scraped as
 * `litellm_deployment_cooled_down_total`, and that is the name we declare (prom-client appends
 * nothing). LiteLLM's key/team/user labels are left out: the gateway has no virtual keys, and
 * Prometheus treats an absent label and an empty one alike, so queries that filter or group by
 * them keep working.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DEPLOYMENT_LABEL_NAMES, LATENCY_BUCKETS } from './metrics-labels.ts';
import { createPendingCounter, type PendingCounter } from './pending-counter.ts';
import { createPendingHistogram, type PendingHistogram } from './pending-histogram.ts';

/** prom-client's default buckets, which LiteLLM's per-output-token histogram keeps. */
const DEFAULT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const DEPLOYMENT = DEPLOYMENT_LABEL_NAMES;
const PER_REQUESTED = ['requested_model', ...DEPLOYMENT] as const;
/** LiteLLM's label set for rate-limit and overhead series. */
const MODEL_GROUP = ['model_group', 'api_provider', 'api_base', 'litellm_model_name', 'model_id'];
const API_LATENCY = ['model', 'requested_model', 'model_id'] as const;

/** The metric objects; built by {@link defineMetrics}, fed by metrics.ts. */
export type MetricSet = ReturnType<typeof defineMetrics>;

/** Declares every metric on `registry` (never on prom-client's global default registry). */
export function defineMetrics(registry: Registry) {
  const registers = [registry];
  /** A histogram observed on every request: counted in plain numbers, flushed when scraped. */
  const perRequestHistogram = (
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[] = LATENCY_BUCKETS,
  ) => {
    const pending: PendingHistogram = createPendingHistogram(() => histogram, buckets);
    const histogram: Histogram = new Histogram({
      name,
      help,
      labelNames,
      buckets: [...buckets],
      registers,
      collect: () => pending.flush(),
    });
    return pending;
  };
  const latency = perRequestHistogram;
  /** A counter counted on every request: plain numbers, handed to prom-client when scraped. */
  const perRequest = (name: string, help: string, labelNames: readonly string[]) => {
    const pending: PendingCounter = createPendingCounter(() => counter);
    const counter: Counter = new Counter({
      name,
      help,
      labelNames,
      registers,
      collect: () => pending.flush(),
    });
    return pending;
  };
  return {
    deploymentSuccess: perRequest(
      'litellm_deployment_success_responses_total',
      'LLM Deployment Analytics - Total number of successful LLM API calls',
      PER_REQUESTED,
    ),
    deploymentFailure: perRequest(
      'litellm_deployment_failure_responses_total',
      'LLM Deployment Analytics - Total number of failed LLM API calls; exception_status is the status from the LLM API',
      [...PER_REQUESTED, 'exception_status', 'exception_class'],
    ),
    deploymentTotal: perRequest(
      'litellm_deployment_total_requests_total',
      'LLM Deployment Analytics - Total number of LLM API calls - success + failure',
      PER_REQUESTED,
    ),
    deploymentState: new Gauge({
      name: 'litellm_deployment_state',
      help: 'LLM Deployment Analytics - The state of the deployment: 0 = healthy, 1 = partial outage (half-open, probing), 2 = complete outage (benched)',
      labelNames: DEPLOYMENT,
      registers,
    }),
    cooledDown: new Counter({
      name: 'litellm_deployment_cooled_down_total',
      help: 'LLM Deployment Analytics - Number of times a deployment has been cooled down; exception_status is the status that caused it',
      labelNames: [...DEPLOYMENT, 'exception_status'],
      registers,
    }),
    successfulFallbacks: new Counter({
      name: 'litellm_deployment_successful_fallbacks_total',
      help: 'LLM Deployment Analytics - Number of successful fallback requests from primary model -> fallback model',
      labelNames: ['requested_model', 'fallback_model'],
      registers,
    }),
    failedFallbacks: new Counter({
      name: 'litellm_deployment_failed_fallbacks_total',
      help: 'LLM Deployment Analytics - Number of failed fallback requests from primary model -> fallback model',
      labelNames: ['requested_model', 'fallback_model'],
      registers,
    }),
    latencyPerOutputToken: perRequestHistogram(
      'litellm_deployment_latency_per_output_token',
      'LLM Deployment Analytics - Latency per output token, in seconds',
      DEPLOYMENT,
      DEFAULT_BUCKETS,
    ),
    apiLatency: latency(
      'litellm_llm_api_latency_metric',
      'Total latency (seconds) of a successful LLM API call',
      API_LATENCY,
    ),
    timeToFirstToken: latency(
      'litellm_llm_api_time_to_first_token_metric',
      'Time to first token (seconds) of a successful streaming LLM API call',
      API_LATENCY,
    ),
    overheadLatency: latency(
      'litellm_overhead_latency_metric',
      'Latency overhead (seconds) added by the gateway: request time minus time waiting on upstreams',
      MODEL_GROUP,
    ),
    requestTotalLatency: latency(
      'litellm_request_total_latency_metric',
      'Total latency (seconds) of a request to the gateway, retries and fallbacks included',
      ['requested_model', 'model', 'model_id'],
    ),
    proxyTotalRequests: perRequest(
      'litellm_proxy_total_requests_metric_total',
      'Total number of requests made to the proxy server, by status code',
      ['requested_model', 'status_code'],
    ),
    proxyFailedRequests: perRequest(
      'litellm_proxy_failed_requests_metric_total',
      'Total number of failed responses from proxy - the client did not get a success response',
      ['requested_model', 'exception_status', 'exception_class'],
    ),
    inFlight: new Gauge({
      name: 'litellm_in_flight_requests',
      help: 'Upstream calls in flight: started and not yet answered (for streams, before their first chunk)',
      registers,
    }),
    remainingRequests: new Gauge({
      name: 'litellm_remaining_requests_metric',
      help: 'LLM Deployment Analytics - remaining requests for model, returned from LLM API Provider',
      labelNames: MODEL_GROUP,
      registers,
    }),
    remainingTokens: new Gauge({
      name: 'litellm_remaining_tokens_metric',
      help: 'LLM Deployment Analytics - remaining tokens for model, returned from LLM API Provider',
      labelNames: MODEL_GROUP,
      registers,
    }),
    requests: perRequest(
      'litellm_requests_total',
      'Requests by requested model and outcome: status is "success" or the error class',
      ['model', 'status'],
    ),
    modelHealth: new Gauge({
      name: 'litellm_model_health_status',
      help: 'Deployment health: 1 on the series of its current status (healthy or unhealthy), 0 on the other',
      labelNames: ['model', 'model_id', 'status'],
      registers,
    }),
  };
}

/**
 * `litellm_redis_connection_status`: declared only when shared state is configured, so a
 * gateway without Redis never reports a connection it does not have.
 */
export function defineRedisStatus(registry: Registry): { status: Gauge; fails: Counter } {
  return {
    status: new Gauge({
      name: 'litellm_redis_connection_status',
      help: 'Connection to the shared state store (Redis): 1 connected, 0 not',
      registers: [registry],
    }),
    fails: new Counter({
      name: 'litellm_redis_fails_total',
      help: 'Failed commands and connection errors talking to the shared state store (Redis)',
      registers: [registry],
    }),
  };
}
