/**
 * Prometheus metrics for one gateway: a private registry (never prom-client's global one, so
 * several gateways in one process keep separate counts) fed by the router's events. The router
 * never imports this file; it only emits. Listeners are synchronous and cheap: cached children,
 * Map lookups, increments.
 */
import { Registry } from 'prom-client';
import type { RouterPlan } from '../config/plan.ts';
import { matchWildcard } from '../config/wildcards.ts';
import type { Deployment } from '../core/deployment.ts';
import type { RouterEventMap, RouterEvents } from '../core/router-events.ts';
import type { StateStore } from '../state/state-store.ts';
import type { CooldownTracker } from '../resilience/cooldown.ts';
import { defineMetrics, defineRedisStatus, type MetricSet } from './metrics-definitions.ts';
import { createSeriesCache, type DeploymentSeries } from './metrics-deployment.ts';
import {
  REMAINING_REQUESTS_HEADER,
  REMAINING_TOKENS_HEADER,
  UNKNOWN_MODEL,
  headerNumber,
} from './metrics-labels.ts';
import { createRequestSeries } from './metrics-requests.ts';

/** What the metrics read from the engine: the Router satisfies it. */
export interface MetricsSource {
  readonly plan: Pick<RouterPlan, 'deployments' | 'groups' | 'settings' | 'wildcards'>;
  readonly events: RouterEvents;
  /** Read at scrape time so benches that ended lazily show as half-open. */
  readonly cooldown: Pick<CooldownTracker, 'state'>;
  /** The shared state store, read at scrape time for its connection status and errors. */
  readonly stateStore?: Pick<StateStore, 'status' | 'errorCount'>;
}

/** What the `/metrics` route needs. */
export interface MetricsExporter {
  /** The exposition format's content type (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** The metrics text, after bringing lazy state (cooldowns) up to date. */
  render(): Promise<string>;
}

export interface GatewayMetrics extends MetricsExporter {
  readonly registry: Registry;
  /**
   * Sets `litellm_model_health_status` for a deployment. Cooldown events call it (benched →
   * unhealthy, otherwise healthy); background health checks may call it too: last writer wins.
   */
  setModelHealth(deployment: Deployment, healthy: boolean): void;
  /**
   * Sets `litellm_redis_connection_status`. A no-op when no Redis is configured (the gauge is
   * then not exported at all).
   */
  setRedisConnected(connected: boolean): void;
  /** Unsubscribes from the router's events; the registry keeps its last values. */
  close(): void;
}

const STATE_VALUE = { healthy: 0, 'half-open': 1, benched: 2 } as const;

/** Builds the registry and subscribes to `source.events`. */
/** How many derived deployment ids are remembered between an attempt and its request's end. */
const RECENT_DERIVED_LIMIT = 1_000;

export function createGatewayMetrics(source: MetricsSource): GatewayMetrics {
  const { plan, cooldown } = source;
  const registry = new Registry();
  const metrics = defineMetrics(registry);
  const redis = plan.settings.redis ? defineRedisStatus(registry) : undefined;
  redis?.status.set(0);
  let redisFailsSeen = 0;
  const readStore = (): void => {
    const store = source.stateStore;
    if (!redis || !store) return;
    redis.status.set(store.status() === 'connected' ? 1 : 0);
    const fails = store.errorCount();
    if (fails > redisFailsSeen) redis.fails.inc(fails - redisFailsSeen);
    redisFailsSeen = fails;
  };
  const cachedSeries = createSeriesCache(metrics);
  const templates = new Map(
    plan.wildcards.flatMap((group) => group.deployments.map((d) => [d.id, d] as const)),
  );
  // A deployment derived for one wildcard name is counted under its template, so names chosen
  // by clients never mint new series. Recently seen derived ids are remembered (bounded) for
  // `request:end`, which carries only the id.
  const recentDerived = new Map<string, Deployment>();
  const labelledAs = (deployment: Deployment): Deployment => {
    if (deployment.derivedFrom === undefined) return deployment;
    const template = templates.get(deployment.derivedFrom) ?? deployment;
    if (recentDerived.size >= RECENT_DERIVED_LIMIT) recentDerived.clear();
    recentDerived.set(deployment.id, template);
    return template;
  };
  const series = (deployment: Deployment): DeploymentSeries => cachedSeries(labelledAs(deployment));
  const knownModel = (name: string): string => {
    if (plan.groups.has(name) || plan.deployments.has(name)) return name;
    if (plan.settings.modelGroupAlias.has(name)) return name;
    return matchWildcard(plan.wildcards, name)?.group.pattern ?? UNKNOWN_MODEL;
  };
  const requests = createRequestSeries(metrics);

  const setModelHealth = (deployment: Deployment, healthy: boolean): void => {
    const own = series(deployment);
    own.healthy.set(healthy ? 1 : 0);
    own.unhealthy.set(healthy ? 0 : 1);
  };
  // Every deployment is exported from the start: "all unhealthy" must be computable before
  // the first request, and a dashboard lists deployments that never got traffic.
  for (const deployment of plan.deployments.values()) {
    series(deployment).state.set(0);
    setModelHealth(deployment, true);
  }

  const unsubscribe = [
    source.events.on('attempt:start', () => metrics.inFlight.inc()),
    source.events.on('attempt:end', (event) =>
      onAttemptEnd(metrics, series(event.deployment), event, knownModel(event.requestedGroup)),
    ),
    source.events.on('cooldown', (event) => {
      const own = series(event.deployment);
      // One concrete model of a wildcard is not its template's state: count the bench only.
      if (event.deployment.derivedFrom !== undefined) {
        if (event.state === 'benched') own.cooledDown(event.status).inc();
        return;
      }
      own.state.set(STATE_VALUE[event.state]);
      if (event.state === 'benched') own.cooledDown(event.status).inc();
      setModelHealth(event.deployment, event.state !== 'benched');
    }),
    source.events.on('fallback', (event) => {
      const labels = {
        requested_model: knownModel(event.requestedGroup),
        fallback_model: knownModel(event.fallbackGroup),
      };
      (event.ok ? metrics.successfulFallbacks : metrics.failedFallbacks).inc(labels);
    }),
    source.events.on('request:end', (event) => {
      const answered =
        event.meta.deploymentId === undefined
          ? undefined
          : (plan.deployments.get(event.meta.deploymentId) ??
            recentDerived.get(event.meta.deploymentId));
      requests.record(event, knownModel(event.requestedGroup), answered && series(answered));
    }),
    source.events.on('request:rejected', (event) =>
      requests.recordRejected(
        event.error,
        event.model === undefined ? UNKNOWN_MODEL : knownModel(event.model),
      ),
    ),
  ];

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      // Cooldown transitions are computed when read; reading them here emits the half-open
      // events of benches that ended since the last request, so the state gauge is current.
      for (const id of plan.deployments.keys()) cooldown.state(id);
      readStore();
      return registry.metrics();
    },
    setModelHealth,
    setRedisConnected(connected) {
      redis?.status.set(connected ? 1 : 0);
    },
    close() {
      for (const stop of unsubscribe) stop();
    },
  };
}

function onAttemptEnd(
  metrics: MetricSet,
  own: DeploymentSeries,
  event: RouterEventMap['attempt:end'],
  requestedModel: string,
): void {
  metrics.inFlight.dec();
  const { error } = event;
  const perRequested = own.requested(requestedModel);
  perRequested.total.inc();
  if (error) {
    own.failure(requestedModel, error.status, error.kind).inc();
    return;
  }
  perRequested.success.inc();
  const seconds = event.latencyMs / 1000;
  perRequested.apiLatency.observe(seconds);
  if (event.stream) perRequested.timeToFirstToken.observe(seconds);
  if (event.completionTokens !== undefined && event.completionTokens > 0) {
    own.latencyPerOutputToken.observe(seconds / event.completionTokens);
  }
  const remainingRequests = headerNumber(event.upstreamHeaders, REMAINING_REQUESTS_HEADER);
  if (remainingRequests !== undefined) own.remainingRequests.set(remainingRequests);
  const remainingTokens = headerNumber(event.upstreamHeaders, REMAINING_TOKENS_HEADER);
  if (remainingTokens !== undefined) own.remainingTokens.set(remainingTokens);
}
