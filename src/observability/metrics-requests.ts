/**
 * Request-level series: what the client saw (status, total latency, the gateway's own
 * overhead), one `request:end` event per request. Children are cached by their label values,
 * which are config names and closed sets only.
 */
import type { RouterEventMap } from '../core/router-events.ts';
import type { MetricSet } from './metrics-definitions.ts';
import type { DeploymentSeries } from './metrics-deployment.ts';
import type { CountedSeries } from './pending-counter.ts';
import type { ObservedSeries } from './pending-histogram.ts';
import { cached, cachedPair } from './metrics-labels.ts';

export interface RequestSeries {
  /**
   * Records one finished request. `requestedModel` is already bounded (a configured name or
   * UNKNOWN_MODEL); `answered` is the deployment that answered or failed last, if any.
   */
  record(
    event: RouterEventMap['request:end'],
    requestedModel: string,
    answered: DeploymentSeries | undefined,
  ): void;
  /** Counts a request the server refused before routing it (no latency is observed). */
  recordRejected(error: RouterEventMap['request:rejected']['error'], requestedModel: string): void;
}

interface Outcome {
  readonly proxyTotal: CountedSeries;
  readonly proxyFailed: CountedSeries | undefined;
  readonly requests: CountedSeries;
}

export function createRequestSeries(metrics: MetricSet): RequestSeries {
  // By requested model, then by status (a number on success) or `status\nerror class`.
  const outcomes = new Map<string, Map<number | string, Outcome>>();
  // By requested model, then by the answering deployment's id ('' when none answered).
  const totals = new Map<string, Map<string, ObservedSeries>>();
  const overheads = new Map<string, ObservedSeries>();

  const outcome = (requestedModel: string, status: number, errorClass: string | undefined) =>
    cachedPair(
      outcomes,
      requestedModel,
      errorClass === undefined ? status : `${status}\n${errorClass}`,
      () => ({
        proxyTotal: metrics.proxyTotalRequests.series({
          requested_model: requestedModel,
          status_code: String(status),
        }),
        proxyFailed:
          errorClass === undefined
            ? undefined
            : metrics.proxyFailedRequests.series({
                requested_model: requestedModel,
                exception_status: String(status),
                exception_class: errorClass,
              }),
        requests: metrics.requests.series({
          model: requestedModel,
          status: errorClass ?? 'success',
        }),
      }),
    );

  const totalLatency = (requestedModel: string, answered: DeploymentSeries | undefined) => {
    const deployment = answered?.deployment;
    return cachedPair(totals, requestedModel, deployment?.id ?? '', () =>
      metrics.requestTotalLatency.series({
        requested_model: requestedModel,
        model: deployment?.upstreamModel ?? '',
        model_id: deployment?.id ?? '',
      }),
    );
  };

  /** Overhead of a request no deployment touched (unknown model, everything benched). */
  const unattributedOverhead = (requestedModel: string) =>
    cached(overheads, requestedModel, () =>
      metrics.overheadLatency.series({ model_group: requestedModel }),
    );

  return {
    recordRejected(error, requestedModel) {
      const counted = outcome(requestedModel, error.status, error.kind);
      counted.proxyTotal.inc();
      counted.proxyFailed?.inc();
      counted.requests.inc();
    },
    record(event, requestedModel, answered) {
      const { error } = event;
      const counted = outcome(requestedModel, error?.status ?? 200, error?.kind);
      counted.proxyTotal.inc();
      counted.proxyFailed?.inc();
      counted.requests.inc();
      totalLatency(requestedModel, answered).observe(event.durationMs / 1000);
      // Upstream time is counted to the first chunk for streams, so a committed stream's
      // overhead is measured up to the first token the client got, not to the stream's end.
      const gatewayMs = event.ttftMs ?? event.durationMs;
      const overheadMs = Math.max(0, gatewayMs - event.meta.upstreamMs);
      const overhead = answered?.overheadLatency ?? unattributedOverhead(requestedModel);
      overhead.observe(overheadMs / 1000);
    },
  };
}
