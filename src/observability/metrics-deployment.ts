/**
 * Labelled children per deployment, built once on first use and kept in Maps: the request path
 * does a Map lookup and an increment, never a label hash or an object allocation. Keys are
 * bounded by the config (deployments × groups) and by closed sets (statuses, error kinds).
 */
import type { Counter, Gauge } from 'prom-client';
import type { Deployment } from '../core/deployment.ts';
import type { MetricSet } from './metrics-definitions.ts';
import type { CountedSeries } from './pending-counter.ts';
import type { ObservedSeries } from './pending-histogram.ts';
import { cached, deploymentLabels } from './metrics-labels.ts';

/** The series of one deployment reached through one requested model. */
export interface RequestedSeries {
  readonly success: CountedSeries;
  readonly total: CountedSeries;
  readonly apiLatency: ObservedSeries;
  readonly timeToFirstToken: ObservedSeries;
}

/** Everything labelled by one deployment. */
export interface DeploymentSeries {
  readonly deployment: Deployment;
  readonly state: Gauge.Internal<string>;
  readonly latencyPerOutputToken: ObservedSeries;
  readonly remainingRequests: Gauge.Internal<string>;
  readonly remainingTokens: Gauge.Internal<string>;
  readonly overheadLatency: ObservedSeries;
  readonly healthy: Gauge.Internal<string>;
  readonly unhealthy: Gauge.Internal<string>;
  requested(requestedModel: string): RequestedSeries;
  failure(requestedModel: string, status: number, errorClass: string): CountedSeries;
  cooledDown(status: number | undefined): Counter.Internal;
}

/** Returns the (cached) series of a deployment; builds them on its first event. */
export function createSeriesCache(
  metrics: MetricSet,
): (deployment: Deployment) => DeploymentSeries {
  const byId = new Map<string, DeploymentSeries>();
  return (deployment) => cached(byId, deployment.id, () => buildSeries(metrics, deployment));
}

function buildSeries(metrics: MetricSet, deployment: Deployment): DeploymentSeries {
  const labels = deploymentLabels(deployment);
  const modelGroup = {
    model_group: deployment.group,
    api_provider: labels.api_provider,
    api_base: labels.api_base,
    litellm_model_name: labels.litellm_model_name,
    model_id: labels.model_id,
  };
  const health = { model: deployment.group, model_id: deployment.id };
  const requested = new Map<string, RequestedSeries>();
  const failures = new Map<string, CountedSeries>();
  const cooled = new Map<string, Counter.Internal>();
  return {
    deployment,
    state: metrics.deploymentState.labels(labels),
    latencyPerOutputToken: metrics.latencyPerOutputToken.series({ ...labels }),
    remainingRequests: metrics.remainingRequests.labels(modelGroup),
    remainingTokens: metrics.remainingTokens.labels(modelGroup),
    overheadLatency: metrics.overheadLatency.series(modelGroup),
    healthy: metrics.modelHealth.labels({ ...health, status: 'healthy' }),
    unhealthy: metrics.modelHealth.labels({ ...health, status: 'unhealthy' }),
    requested: (requestedModel) =>
      cached(requested, requestedModel, () => {
        const perRequested = { requested_model: requestedModel, ...labels };
        const api = {
          model: labels.litellm_model_name,
          requested_model: requestedModel,
          model_id: labels.model_id,
        };
        return {
          success: metrics.deploymentSuccess.series(perRequested),
          total: metrics.deploymentTotal.series(perRequested),
          apiLatency: metrics.apiLatency.series(api),
          timeToFirstToken: metrics.timeToFirstToken.series(api),
        };
      }),
    failure: (requestedModel, status, errorClass) =>
      cached(failures, `${requestedModel}\n${status}\n${errorClass}`, () =>
        metrics.deploymentFailure.series({
          requested_model: requestedModel,
          ...labels,
          exception_status: String(status),
          exception_class: errorClass,
        }),
      ),
    cooledDown: (status) =>
      cached(cooled, String(status ?? ''), () =>
        metrics.cooledDown.labels({ ...labels, exception_status: String(status ?? '') }),
      ),
  };
}
