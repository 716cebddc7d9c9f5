import type { FastifyInstance } from 'fastify';
import type { MetricsExporter } from '../../observability/metrics.ts';
import type { ServerContext } from '../server-context.ts';

export interface MetricsRouteOptions {
  readonly metrics: MetricsExporter;
  /**
   * `general_settings.require_auth_for_metrics_endpoint`: put `/metrics` behind the master key.
   * Without a master key configured there is nothing to check, and the route stays open.
   */
  readonly requireAuth: boolean;
}

/**
 * `GET /metrics` in Prometheus text format. Open by default, as LiteLLM's is, so a scraper
 * needs no secret; `/metrics/` answers too (LiteLLM mounts it with the slash and scrape configs
 * copied from its docs use that path).
 */
export function registerMetricsRoutes(
  app: FastifyInstance,
  context: ServerContext,
  options: MetricsRouteOptions,
): void {
  const { metrics } = options;
  const onRequest = options.requireAuth ? context.guard : undefined;
  for (const path of ['/metrics', '/metrics/']) {
    app.get(path, { onRequest }, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.render()),
    );
  }
}
