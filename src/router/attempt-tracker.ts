/**
 * Feeds the routing state from the attempt loop: what the configured strategy and limits need,
 * nothing more. Built once from the plan; undefined when nothing is tracked, so a gateway
 * without these settings pays one `undefined` check per attempt.
 */
import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { RoutingStats } from '../core/routing-stats.ts';
import type { ModelGroup, RouterPlan, RoutingStrategyName } from '../config/plan.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { createRoutingState, type RoutingState } from '../state/routing-state.ts';
import { shareUsage } from '../state/shared-usage.ts';
import type { StateStore } from '../state/state-store.ts';
import type { CandidateFilter } from './candidate-filter.ts';
import { createConcurrencyLimiter, type ConcurrencyLimiter } from './concurrency-limit.ts';
import { countInputTokens, preloadEncoding } from '../tokens/index.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import { createRateLimitFilter, limitedGroups } from './rate-limits.ts';

/**
 * The latency recorded for a timed-out or failed attempt, in seconds (LiteLLM records 1000 s
 * for a timeout): far above any real sample, so the deployment drops to the back until newer
 * samples, or the ttl, wash it out.
 */
export const FAILURE_LATENCY_S = 1_000;

/** Tokens an answer reported (OpenAI `usage`). */
export interface ReportedUsage {
  readonly promptTokens: number | undefined;
  readonly completionTokens: number | undefined;
}

export interface AttemptTracker {
  /** Read-only view for strategies. */
  readonly stats: RoutingStats;
  /** True when requests' input tokens must be counted before routing (tpm limits, usage-based). */
  readonly countsInputTokens: boolean;
  /**
   * A request's input tokens, counted once before any attempt with the asked-for group's
   * tokenizer; undefined when nothing needs them.
   */
  inputTokensOf(
    operation: Operation,
    body: GatewayRequestBody,
    group: ModelGroup,
  ): number | undefined;
  /** The max_parallel_requests limiter, when any deployment is limited. */
  readonly concurrency: ConcurrencyLimiter | undefined;
  /** The selection filters this tracking implies (rpm/tpm, max_parallel_requests), in order. */
  readonly filters: readonly CandidateFilter[];
  /** Groups with rpm/tpm set, for the `x-ratelimit-*` headers. */
  readonly limitedGroups: ReadonlyMap<string, readonly Deployment[]>;
  readonly state: RoutingState;
  /** An attempt starts; `slotHeld` when it already owns a concurrency slot (it waited for one). */
  started(deployment: Deployment, inputTokens: number, slotHeld: boolean): void;
  /**
   * An attempt succeeded: a whole answer, or a stream at its first chunk. A non-stream attempt
   * ends here; a stream ends with streamEnded(). `judged` false (a client's mock_response):
   * no latency sample, since nothing real was measured.
   */
  succeeded(
    deployment: Deployment,
    stream: boolean,
    latencyMs: number,
    usage: ReportedUsage,
    judged: boolean,
  ): void;
  /** An attempt failed (before a stream's first chunk). `judged` false: no penalty (client left). */
  failed(deployment: Deployment, stream: boolean, error: GatewayError, judged: boolean): void;
  /** A committed stream ended (cleanly, broken or abandoned), with the usage it reported. */
  streamEnded(deployment: Deployment, usage: ReportedUsage | undefined): void;
  /** Stops sharing usage (a last flush) when it is shared. */
  close(): Promise<void>;
}

const IN_FLIGHT: ReadonlySet<RoutingStrategyName> = new Set(['least-busy', 'power-of-two-choices']);
const LATENCY: ReadonlySet<RoutingStrategyName> = new Set([
  'latency-based-routing',
  'power-of-two-choices',
]);
const USAGE_BASED: ReadonlySet<RoutingStrategyName> = new Set([
  'usage-based-routing',
  'usage-based-routing-v2',
]);

/**
 * The tracker `plan` needs, or undefined when its strategy and limits need no state. Usage is
 * counted with the other instances when `store` shares state (Redis); the rest stays local.
 */
export function createAttemptTracker(
  plan: RouterPlan,
  clock: Clock,
  store?: StateStore,
): AttemptTracker | undefined {
  const { settings } = plan;
  const strategy = settings.routingStrategy;
  const limited = limitedGroups(plan);
  const usageBased = USAGE_BASED.has(strategy);
  // LiteLLM enforces rpm/tpm with usage-based routing, `enable_pre_call_checks` or
  // `enforce_model_rate_limits`; with simple-shuffle alone they are only weights.
  const enforced =
    limited.size > 0 &&
    (usageBased || settings.enablePreCallChecks || settings.enforceModelRateLimits);
  const concurrency = createConcurrencyLimiter(plan);
  const options = {
    inFlight: IN_FLIGHT.has(strategy),
    usage: usageBased || limited.size > 0,
    latency: LATENCY.has(strategy)
      ? {
          ttlMs: settings.routingStrategyArgs.ttlMs,
          maxSamples: settings.routingStrategyArgs.maxLatencyListSize,
        }
      : undefined,
  };
  if (!options.inFlight && !options.usage && !options.latency && !concurrency) return undefined;
  const shared =
    options.usage && store
      ? shareUsage({
          store,
          clock,
          // The deployments whose usage decides something: all of them for usage-based routing.
          watch: usageBased
            ? [...plan.deployments.keys()]
            : [...limited.values()].flat().map((d) => d.id),
        })
      : undefined;
  const state = createRoutingState({ ...options, usageTracker: shared?.tracker });
  const { usage, inFlight, latency } = state;
  const anyTpm = [...plan.deployments.values()].some((d) => d.tpm !== undefined);
  const countsInputTokens = usageBased || (enforced && anyTpm);
  // Load the tokenizer tables now rather than on the first request.
  if (countsInputTokens)
    for (const d of plan.deployments.values()) preloadEncoding(d.upstreamModel);
  const filters: CandidateFilter[] = [];
  if (enforced && usage) filters.push(createRateLimitFilter(limited, usage, clock));
  if (concurrency) filters.push(concurrency.filter);

  /** Tokens learned after the call: output, plus input when it was not counted up front. */
  const addReported = (id: string, reported: ReportedUsage | undefined): void => {
    if (!usage || !reported) return;
    const input = countsInputTokens ? 0 : (reported.promptTokens ?? 0);
    usage.addTokens(id, input + (reported.completionTokens ?? 0), clock.now());
  };
  const release = (id: string): void => {
    inFlight?.end(id);
    concurrency?.release(id);
  };

  return {
    stats: state.stats,
    countsInputTokens,
    inputTokensOf: (operation, body, group) =>
      countsInputTokens
        ? countInputTokens(operation, body, group.deployments[0]?.upstreamModel ?? body.model)
        : undefined,
    concurrency,
    filters,
    limitedGroups: limited,
    state,
    started(deployment, inputTokens, slotHeld) {
      inFlight?.start(deployment.id);
      if (!slotHeld) concurrency?.acquire(deployment.id);
      usage?.addRequest(deployment.id, inputTokens, clock.now());
    },
    succeeded(deployment, stream, latencyMs, reported, judged) {
      if (latency && judged) {
        const seconds = latencyMs / 1000;
        const tokens = reported.completionTokens ?? 0;
        // LiteLLM's measure: seconds per output token for calls, time to first token for streams.
        const value = stream || tokens <= 0 ? seconds : seconds / tokens;
        latency.record(deployment.id, stream ? 'stream' : 'call', value, clock.now());
      }
      if (stream) return;
      addReported(deployment.id, reported);
      release(deployment.id);
    },
    failed(deployment, stream, error, judged) {
      if (latency && judged && (error.kind === 'Timeout' || error.policy.cooldown)) {
        const kind = stream ? 'stream' : 'call';
        latency.record(deployment.id, kind, FAILURE_LATENCY_S, clock.now());
      }
      release(deployment.id);
    },
    streamEnded(deployment, reported) {
      addReported(deployment.id, reported);
      release(deployment.id);
    },
    close: () => shared?.close() ?? Promise.resolve(),
  };
}
