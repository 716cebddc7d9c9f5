import { compileConfig } from '../config/compile.ts';
import { loadConfigObject } from '../config/load.ts';
import type { RouterPlan } from '../config/plan.ts';
import { createProviderRegistry } from '../providers/registry.ts';
import { createCooldownTracker, type CooldownTracker } from '../resilience/cooldown.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import { clientClosedError, unknownModelError } from '../errors/common-errors.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { toGatewayError } from '../errors/gateway-error.ts';
import type { Provider, ProviderResponse } from '../providers/provider.ts';
import { createStrategy } from '../routing/create-strategy.ts';
import { openStreamAttempt, sendAttempt, type AttemptInput } from './attempt.ts';
import { createModelDirectory, type ModelDirectory } from './model-directory.ts';
import { hasContentPolicyFallback } from './fallback-plan.ts';
import type { RouterCore } from './group-runner.ts';
import { createHealthChecker, type HealthChecker } from './health-checker.ts';
import { shareFailureCounts, type SharedFailureCounts } from './shared-failure-counts.ts';
import { createStateStore } from '../state/create-state-store.ts';
import type { StateStore, StoreStatus } from '../state/state-store.ts';
import {
  bridgeCooldowns,
  deploymentLookups,
  healthRoutingWarning,
  isRouterPlan,
  providerResolver,
  type ProviderLookup,
} from './router-setup.ts';
import { probeAll, probeDeployment, probeEndpoint } from './health-probe.ts';
import { shareHealth } from './shared-health.ts';
import { attemptTimeoutMs, firstChunkTimeoutMs, overallTimeoutMs } from './request-settings.ts';
import { superviseStream } from './stream-supervisor.ts';
import { throwIfContentFiltered } from './content-filter.ts';
import { completionTokensOf, promptTokensOf } from './observe.ts';
import { emitRequestEnd, emitRunEnd, newResponseMeta } from './request-end.ts';
import { createAttemptTracker, type AttemptTracker } from './attempt-tracker.ts';
import { rateLimitSnapshot } from './rate-limits.ts';
import { NO_STATS } from '../core/routing-stats.ts';
import { RouterEvents, type RouterEventMap } from '../core/router-events.ts';
import { serveRequest, type RequestRun } from './serve-request.ts';
import { createPreCallFilters } from './pre-call-filters.ts';
import type { StreamSession } from './stream-session.ts';
import type {
  HealthReport,
  RouteOptions,
  RouterEngine,
  RouterResult,
  RouterStream,
} from './types.ts';

export interface RouterOptions {
  /**
   * Provider implementations by name (`openai`, `azure`, `mock`, …). Default: the built-in
   * providers over a keep-alive HTTP transport that the router owns and closes.
   */
  readonly providers?: ProviderLookup;
  /** Default: the system clock. Tests pass a fake one. */
  readonly clock?: Clock;
  /**
   * Where benches are shared with other instances. Default: Redis when the config sets
   * `redis_*` (or `REDIS_*` in the environment), else a memory store (nothing shared). The
   * router closes the store it created, not one passed in.
   */
  readonly stateStore?: StateStore;
  /** Uniform random in [0, 1). Default: Math.random. */
  readonly random?: () => number;
}

/**
 * The engine: picks a deployment for each attempt, runs it, and retries on another deployment
 * when the error allows. Everything it needs per request is looked up in maps built here, once.
 */
export class Router implements RouterEngine {
  readonly plan: RouterPlan;
  /** Start-up findings worth one log line each (e.g. a strategy not available). */
  readonly warnings: readonly string[];
  private readonly core: RouterCore;
  /** Deployment benches (read-only use outside the router: health, metrics, shared state). */
  readonly cooldown: CooldownTracker;
  /** What observers (metrics, logs) subscribe to. */
  readonly events = new RouterEvents();
  /** Shares benches with the other instances (a memory store when there are none). */
  readonly stateStore: StateStore;
  private readonly ownsStateStore: boolean;
  private readonly stopSharing: () => void;
  /** Failure windows counted with the other instances (inert without a shared store). */
  private readonly failureCounts: SharedFailureCounts;
  /** Groups, aliases, wildcard-served names and fallback targets, by name. */
  private readonly models: ModelDirectory;
  private readonly providers: ProviderLookup;
  /** Set when `background_health_checks` is on. */
  private readonly healthChecker: HealthChecker | undefined;
  /** Routing state and limits; undefined when the strategy and limits need none. */
  private readonly tracker: AttemptTracker | undefined;

  /**
   * @param config a compiled plan (from loadPlan/compileConfig), or a LiteLLM config as an
   *   object (`{ model_list, router_settings, … }`), validated here exactly like a YAML file.
   * @throws ConfigError naming every problem in an object config.
   */
  constructor(config: RouterPlan | Readonly<Record<string, unknown>>, options: RouterOptions = {}) {
    const plan = isRouterPlan(config) ? config : compileConfig(loadConfigObject(config));
    this.plan = plan;
    const clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    this.providers = options.providers ?? createProviderRegistry({ clock, random });
    const choice = createStrategy(plan.settings.routingStrategy, plan.settings.routingStrategyArgs);
    this.warnings = [choice.warning, healthRoutingWarning(plan)].filter(
      (warning): warning is string => warning !== undefined,
    );
    this.models = createModelDirectory(plan, {
      // A name no longer cached takes its breakers along; requested again, it starts afresh.
      onEvict: (deployments) => {
        for (const deployment of deployments) this.cooldown.forget(deployment.id);
      },
    });
    const providerFor = providerResolver(plan, this.providers);
    const lookups = deploymentLookups(plan);
    this.ownsStateStore = options.stateStore === undefined;
    this.stateStore = options.stateStore ?? createStateStore(plan.settings.redis, { clock });
    this.failureCounts = shareFailureCounts({ plan, store: this.stateStore, clock });
    const cooldown = createCooldownTracker({
      clock,
      cooldownTimeMs: plan.settings.cooldownTimeMs,
      allowedFails: plan.settings.allowedFails,
      allowedFailsPolicy: plan.settings.allowedFailsPolicy,
      disabled: plan.settings.disableCooldowns,
      windowFor: this.failureCounts.windowFor,
    });
    this.cooldown = cooldown;
    const counts = this.failureCounts;
    this.stopSharing = bridgeCooldowns(plan, cooldown, this.events, this.stateStore, counts);
    const checker = plan.general.backgroundHealthChecks
      ? createHealthChecker({
          deployments: [...plan.deployments.values()],
          probe: (deployment, signal) => this.probe(deployment, signal),
          clock,
          intervalMs: plan.general.healthCheckIntervalMs,
          sharing: shareHealth(this.stateStore, plan.general.healthCheckIntervalMs, clock),
          describe: probeEndpoint,
        })
      : undefined;
    this.healthChecker = checker;
    const routeByHealth = checker !== undefined && plan.general.enableHealthCheckRouting;
    const tracker = createAttemptTracker(plan, clock, this.stateStore);
    this.tracker = tracker;
    this.core = {
      settings: plan.settings,
      cooldown,
      isAvailable: routeByHealth
        ? (id) => cooldown.isAvailable(id) && checker.isRoutable(id)
        : (id) => cooldown.isAvailable(id),
      // With health-check routing a failed check also makes a deployment unavailable.
      allAvailable: routeByHealth ? () => false : () => !cooldown.hasBenches(),
      clock,
      random,
      strategy: choice.strategy,
      shownApiBase: lookups.shownApiBase,
      groupSize: lookups.groupSize,
      events: this.events,
      providerFor,
      // Pre-call checks first: a limit should not count a request no deployment could take.
      filters: [...createPreCallFilters(plan), ...(tracker?.filters ?? [])],
      tracker,
      stats: tracker?.stats ?? NO_STATS,
    };
  }

  /** The names `GET /v1/models` lists: groups, wildcard patterns, aliases not hidden. */
  modelGroups(): readonly string[] {
    return this.models.listed;
  }

  /** Whether a request for `name` can be routed: a group, any alias, a name a wildcard serves. */
  servesModel(name: string): boolean {
    return this.models.serves(name);
  }

  async route(
    operation: Operation,
    body: GatewayRequestBody,
    options: RouteOptions = {},
  ): Promise<RouterResult> {
    const { settings } = this.core;
    const run = this.prepare<ProviderResponse>(operation, body, options, {
      streams: false,
      summarize: (answer) => ({
        upstreamHeaders: answer.headers,
        completionTokens: completionTokensOf(answer.body),
        promptTokens: promptTokensOf(answer.body),
      }),
      attempt: (attemptBody, deployment, provider, maxMs) => {
        const timeoutMs = capped(attemptTimeoutMs(attemptBody, deployment, settings), maxMs);
        const sent = sendAttempt(
          this.attemptInput(operation, attemptBody, options, deployment, provider, timeoutMs),
        );
        if (!hasContentPolicyFallback(deployment.group, settings)) return sent;
        return sent.then((answer) => {
          throwIfContentFiltered(answer.body, deployment);
          return answer;
        });
      },
    });
    let answer: ProviderResponse;
    try {
      answer = await serveRequest(this.core, run);
    } catch (thrown) {
      throw this.failed(run, thrown);
    }
    this.noteRateLimits(run.meta);
    emitRunEnd(this.events, this.core.clock, run, undefined, undefined);
    return { body: answer.body, upstreamHeaders: answer.headers, meta: run.meta };
  }

  async routeStream(
    operation: Operation,
    body: GatewayRequestBody,
    options: RouteOptions = {},
  ): Promise<RouterStream> {
    const { settings } = this.core;
    const midStream = settings.midStreamFallback && operation === 'chat';
    // A continuation reads every chunk's id and text, so only without one may chunks go unread.
    const forwardChunks = options.forwardChunks === true && !midStream;
    const streamOptions = { idleTimeoutMs: settings.streamIdleTimeoutMs, forwardChunks };
    const run = this.prepare<StreamSession>(operation, body, options, {
      streams: true,
      summarize: (session) => ({
        upstreamHeaders: session.upstreamHeaders,
        completionTokens: undefined,
        promptTokens: undefined,
      }),
      // The deadline bounds the wait for the first chunk; a started stream has its idle timeout.
      attempt: (attemptBody, deployment, provider, maxMs) => {
        const timeoutMs = capped(firstChunkTimeoutMs(attemptBody, deployment, settings), maxMs);
        return openStreamAttempt(
          this.attemptInput(operation, attemptBody, options, deployment, provider, timeoutMs),
          streamOptions,
        );
      },
    });
    let session: StreamSession;
    try {
      session = await serveRequest(this.core, run);
    } catch (thrown) {
      throw this.failed(run, thrown);
    }
    this.noteRateLimits(run.meta);
    const ttftMs = this.core.clock.now() - run.meta.startedAt;
    return superviseStream(this.core, run, session, {
      midStreamFallback: midStream,
      onEnd: (error) => emitRunEnd(this.events, this.core.clock, run, ttftMs, error),
    });
  }

  /** Convenience for library users: a chat completion. */
  chatCompletion(body: GatewayRequestBody, options?: RouteOptions): Promise<RouterResult> {
    return this.route('chat', body, options);
  }

  async health(): Promise<HealthReport> {
    if (this.healthChecker) return this.healthChecker.report();
    return probeAll([...this.plan.deployments.values()], (deployment) => this.probe(deployment));
  }

  /**
   * Starts the background health checks when `background_health_checks` is on (a first run now,
   * then one every `health_check_interval`); otherwise does nothing. The gateway calls it once
   * listening; library users who want them call it too. stopHealthChecks() or close() ends them.
   */
  startHealthChecks(): void {
    this.healthChecker?.start();
  }

  /** Cancels the next background check and aborts any under way. Idempotent. */
  stopHealthChecks(): Promise<void> {
    return this.healthChecker?.stop() ?? Promise.resolve();
  }

  stateStatus(): StoreStatus {
    return this.stateStore.status();
  }

  reportRejected(rejection: RouterEventMap['request:rejected']): void {
    if (this.events.has('request:rejected')) this.events.emit('request:rejected', rejection);
  }

  async close(): Promise<void> {
    this.stopSharing();
    await this.failureCounts.close();
    await this.tracker?.close();
    if (this.ownsStateStore) await this.stateStore.close();
    await this.stopHealthChecks();
    await this.providers.close?.();
  }

  private probe(deployment: Deployment, signal?: AbortSignal): ReturnType<typeof probeDeployment> {
    return probeDeployment(deployment, this.core.providerFor(deployment, PROBE_BODY), {
      clock: this.core.clock,
      timeoutMs: this.plan.general.healthCheckTimeoutMs,
      ...(signal ? { signal } : {}),
    });
  }

  /** The request's plan; an unknown model is rejected here, with the meta for its headers. */
  private prepare<T>(
    operation: Operation,
    body: GatewayRequestBody,
    options: RouteOptions,
    how: Pick<RequestRun<T>, 'attempt' | 'summarize'> & { streams: boolean },
  ): RequestRun<T> {
    const meta = newResponseMeta(body.model, this.core.settings.numRetries, this.core.clock.now());
    const primary = this.models.lookup(body.model);
    if (!primary) {
      const error = unknownModelError(body.model, this.modelGroups());
      error.meta = meta;
      emitRequestEnd(this.events, this.core.clock, {
        operation,
        stream: how.streams,
        meta,
        requestedGroup: body.model,
        ttftMs: undefined,
        error,
      });
      throw error;
    }
    const overallMs = overallTimeoutMs(body, this.core.settings);
    return {
      operation,
      body,
      headers: options.headers,
      meta,
      signal: options.signal,
      primary,
      resolve: this.models.resolveTarget,
      deadlineAt: overallMs === undefined ? undefined : meta.startedAt + overallMs,
      deferSuccess: how.streams,
      inputTokens: this.tracker?.inputTokensOf(operation, body, primary.group),
      summarize: how.summarize,
      attempt: how.attempt,
    };
  }

  /**
   * The error a request whose plan (group, retries, fallbacks) failed ends with, its meta
   * attached, once it is counted and logged. route() and routeStream() await serveRequest()
   * themselves: an async layer of its own here cost a promise and a suspended frame per request.
   */
  private failed<T>(run: RequestRun<T>, thrown: unknown): GatewayError {
    // Once the caller has gone, whatever the attempt failed with is the echo of that abort.
    const error = run.signal?.aborted === true ? clientClosedError(thrown) : toGatewayError(thrown);
    this.noteRateLimits(run.meta);
    error.meta = run.meta;
    emitRunEnd(this.events, this.core.clock, run, undefined, error);
    return error;
  }

  /** The answering group's rpm/tpm headroom, for the `x-ratelimit-*` headers. */
  private noteRateLimits(meta: ResponseMeta): void {
    const usage = this.tracker?.state.usage;
    if (usage === undefined) return;
    const limited = this.tracker?.limitedGroups.get(meta.group);
    meta.rateLimit = rateLimitSnapshot(limited, usage, this.core.clock.now());
  }

  /** What every attempt takes, as one literal (a spread plus `timeoutMs` hit V8's slow path). */
  private attemptInput(
    operation: Operation,
    body: GatewayRequestBody,
    options: RouteOptions,
    deployment: Deployment,
    provider: Provider,
    timeoutMs: number,
  ): AttemptInput {
    return {
      provider,
      deployment,
      operation,
      body,
      clientSignal: options.signal,
      clock: this.core.clock,
      timeoutMs,
    };
  }
}

function capped(timeoutMs: number, maxMs: number | undefined): number {
  return maxMs === undefined ? timeoutMs : Math.min(timeoutMs, maxMs);
}

/** Health probes never ask for the mock: a deployment's own `mock_response` still applies. */
const PROBE_BODY: GatewayRequestBody = { model: '' };
