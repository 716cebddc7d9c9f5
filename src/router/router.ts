import { randomUUID } from 'node:crypto';
import { compileConfig } from '../config/compile.ts';
import { loadConfigObject } from '../config/load.ts';
import type { RouterPlan, RouterSettings } from '../config/plan.ts';
import { createProviderRegistry } from '../providers/registry.ts';
import { delay, systemClock, type Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import { safeUrl } from '../core/redact.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import { noDeploymentsError, unknownModelError } from '../errors/common-errors.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import { retryBudget, retryDelayMs } from '../resilience/retry.ts';
import { createStrategy } from '../routing/create-strategy.ts';
import type { PickContext, RoutingStrategy } from '../routing/strategy.ts';
import { openStreamAttempt, sendAttempt, type AttemptInput } from './attempt.ts';
import { prepareGroup, selectDeployment, type SelectableGroup } from './candidates.ts';
import { probeDeployment } from './health-probe.ts';
import {
  attemptTimeoutMs,
  firstChunkTimeoutMs,
  numRetriesFor,
  wantsMock,
} from './request-settings.ts';
import type {
  HealthReport,
  RouteOptions,
  RouterEngine,
  RouterResult,
  RouterStream,
} from './types.ts';

/** Where the router finds the provider for a deployment. */
export interface ProviderLookup {
  get(name: string): Provider | undefined;
  /** Releases connection pools; called by Router.close(). */
  close?(): Promise<void>;
}

export interface RouterOptions {
  /**
   * Provider implementations by name (`openai`, `azure`, `mock`, …). Default: the built-in
   * providers over a keep-alive HTTP transport that the router owns and closes.
   */
  readonly providers?: ProviderLookup;
  /** Default: the system clock. Tests pass a fake one. */
  readonly clock?: Clock;
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
  private readonly settings: RouterSettings;
  private readonly groups: ReadonlyMap<string, SelectableGroup>;
  private readonly providerByDeployment: ReadonlyMap<string, Provider>;
  /** Each deployment's api_base without credentials, computed once for the response headers. */
  private readonly shownApiBase: ReadonlyMap<string, string | undefined>;
  private readonly mockProvider: Provider | undefined;
  private readonly strategy: RoutingStrategy;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly providers: ProviderLookup;

  /**
   * @param config a compiled plan (from loadPlan/compileConfig), or a LiteLLM config as an
   *   object (`{ model_list, router_settings, … }`), validated here exactly like a YAML file.
   * @throws ConfigError naming every problem in an object config.
   */
  constructor(config: RouterPlan | Readonly<Record<string, unknown>>, options: RouterOptions = {}) {
    const plan = isRouterPlan(config) ? config : compileConfig(loadConfigObject(config));
    this.plan = plan;
    this.settings = plan.settings;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.providers =
      options.providers ?? createProviderRegistry({ clock: this.clock, random: this.random });
    this.mockProvider = this.providers.get('mock');
    const choice = createStrategy(plan.settings.routingStrategy);
    this.strategy = choice.strategy;
    this.warnings = choice.warning ? [choice.warning] : [];
    this.groups = new Map([...plan.groups].map(([name, group]) => [name, prepareGroup(group)]));
    this.providerByDeployment = bindProviders(plan, this.providers);
    this.shownApiBase = new Map(
      [...plan.deployments.values()].map((deployment) => [
        deployment.id,
        safeUrl(deployment.apiBase),
      ]),
    );
  }

  modelGroups(): readonly string[] {
    return [...this.groups.keys()];
  }

  async route(
    operation: Operation,
    body: GatewayRequestBody,
    options: RouteOptions = {},
  ): Promise<RouterResult> {
    const meta = this.newMeta(body.model);
    const response = await this.runWithRetries(body, meta, options, (deployment, provider) =>
      sendAttempt({
        ...this.attemptBase(operation, body, options, deployment, provider),
        timeoutMs: attemptTimeoutMs(body, deployment, this.settings),
      }),
    );
    return { body: response.body, upstreamHeaders: response.headers, meta };
  }

  async routeStream(
    operation: Operation,
    body: GatewayRequestBody,
    options: RouteOptions = {},
  ): Promise<RouterStream> {
    const meta = this.newMeta(body.model);
    const session = await this.runWithRetries(body, meta, options, (deployment, provider) =>
      openStreamAttempt({
        ...this.attemptBase(operation, body, options, deployment, provider),
        timeoutMs: firstChunkTimeoutMs(body, deployment, this.settings),
        idleTimeoutMs: this.settings.streamIdleTimeoutMs,
      }),
    );
    return {
      upstreamHeaders: session.upstreamHeaders,
      meta,
      [Symbol.asyncIterator]: () => session[Symbol.asyncIterator](),
    };
  }

  /** Convenience for library users: a chat completion. */
  chatCompletion(body: GatewayRequestBody, options?: RouteOptions): Promise<RouterResult> {
    return this.route('chat', body, options);
  }

  async health(): Promise<HealthReport> {
    const deployments = [...this.plan.deployments.values()];
    const results = await Promise.all(
      deployments.map((deployment) =>
        probeDeployment(deployment, this.providerFor(deployment, undefined), {
          clock: this.clock,
          timeoutMs: this.plan.general.healthCheckTimeoutMs,
        }),
      ),
    );
    const healthy = results.filter((result) => result.error === undefined);
    const unhealthy = results.filter((result) => result.error !== undefined);
    return {
      healthy_endpoints: healthy,
      unhealthy_endpoints: unhealthy,
      healthy_count: healthy.length,
      unhealthy_count: unhealthy.length,
    };
  }

  async close(): Promise<void> {
    await this.providers.close?.();
  }

  /**
   * The attempt loop for one group: select, try, and on failure retry while the error's
   * budget allows, preferring deployments this request has not tried yet.
   */
  private async runWithRetries<T>(
    body: GatewayRequestBody,
    meta: ResponseMeta,
    options: RouteOptions,
    attempt: (deployment: Deployment, provider: Provider) => Promise<T>,
  ): Promise<T> {
    const selectable = this.groups.get(body.model);
    if (!selectable) throw this.withMeta(unknownModelError(body.model, this.modelGroups()), meta);
    const numRetries = numRetriesFor(body, this.settings);
    const retryPolicy =
      this.settings.modelGroupRetryPolicy.get(body.model) ?? this.settings.retryPolicy;
    meta.maxRetries = numRetries;
    const tried = new Set<string>();
    for (;;) {
      const context: PickContext = { random: this.random, now: this.clock.now() };
      const deployment = selectDeployment(selectable, tried, this.strategy, context);
      if (!deployment) throw this.withMeta(noDeploymentsError(body.model), meta);
      meta.deploymentId = deployment.id;
      meta.apiBase = this.shownApiBase.get(deployment.id);
      const started = this.clock.now();
      try {
        const value = await attempt(deployment, this.providerFor(deployment, body));
        meta.upstreamMs += this.clock.now() - started;
        return value;
      } catch (thrown) {
        meta.upstreamMs += this.clock.now() - started;
        const error = toGatewayError(thrown);
        if (options.signal?.aborted) throw this.withMeta(error, meta);
        tried.add(deployment.id);
        if (meta.attemptedRetries >= retryBudget(error, numRetries, retryPolicy)) {
          throw this.withMeta(error, meta);
        }
        const wait = retryDelayMs({
          retriesDone: meta.attemptedRetries,
          error,
          switchesDeployment: tried.size < selectable.group.deployments.length,
          minDelayMs: this.settings.retryAfterMs,
          random: this.random,
        });
        if (wait > 0) await delay(this.clock, wait, options.signal);
        meta.attemptedRetries += 1;
      }
    }
  }

  /** What every attempt shares, whatever its kind. */
  private attemptBase(
    operation: Operation,
    body: GatewayRequestBody,
    options: RouteOptions,
    deployment: Deployment,
    provider: Provider,
  ): Omit<AttemptInput, 'timeoutMs'> {
    return {
      provider,
      deployment,
      operation,
      body,
      clientSignal: options.signal,
      clock: this.clock,
    };
  }

  private providerFor(deployment: Deployment, body: GatewayRequestBody | undefined): Provider {
    if (body && this.mockProvider && wantsMock(body, deployment)) return this.mockProvider;
    const provider = this.providerByDeployment.get(deployment.id);
    if (!provider)
      throw new GatewayError('GatewayInternalError', `no provider for deployment ${deployment.id}`);
    return provider;
  }

  private newMeta(group: string): ResponseMeta {
    return {
      callId: randomUUID(),
      group,
      deploymentId: undefined,
      apiBase: undefined,
      attemptedRetries: 0,
      attemptedFallbacks: 0,
      maxRetries: this.settings.numRetries,
      startedAt: this.clock.now(),
      upstreamMs: 0,
    };
  }

  private withMeta(error: GatewayError, meta: ResponseMeta): GatewayError {
    error.meta = meta;
    return error;
  }
}

function isRouterPlan(config: unknown): config is RouterPlan {
  return (
    typeof config === 'object' && config !== null && (config as RouterPlan).groups instanceof Map
  );
}

/** Resolves each deployment's provider once, so the request path does a single Map lookup. */
function bindProviders(plan: RouterPlan, providers: ProviderLookup): Map<string, Provider> {
  const bound = new Map<string, Provider>();
  for (const deployment of plan.deployments.values()) {
    const name = deployment.mockResponse !== undefined ? 'mock' : deployment.provider;
    const provider = providers.get(name);
    if (!provider)
      throw new Error(
        `no provider "${name}" for deployment ${deployment.id} (${deployment.group})`,
      );
    bound.set(deployment.id, provider);
  }
  return bound;
}
