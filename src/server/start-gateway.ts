/**
 * The composition root of `switchyard serve`: transport → providers → Router → HTTP server,
 * listening. Kept apart from build-server.ts so the server stays testable with a stub engine.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RouterPlan } from '../config/plan.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { createGatewayMetrics, type GatewayMetrics } from '../observability/metrics.ts';
import { infoLineWriter } from '../observability/logger.ts';
import { subscribeRequestLog } from '../observability/request-log.ts';
import { Router } from '../router/router.ts';
import { buildServer, type GatewayServer } from './build-server.ts';
import { applyV8Guards } from './v8-guards.ts';

export interface StartGatewayOptions {
  readonly plan: RouterPlan;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly logger?: FastifyBaseLogger;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Uniform random in [0, 1) for load balancing and jitter. Default: Math.random. */
  readonly random?: () => number;
}

export interface Gateway {
  /** Where it listens, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  readonly router: Router;
  readonly server: GatewayServer;
  /** The gateway's Prometheus metrics (its own registry), served on `/metrics`. */
  readonly metrics: GatewayMetrics;
  /**
   * Graceful stop: the server drains (readiness 503, in-flight work finishes within
   * `drain_timeout`), then the router closes its upstream connection pools.
   */
  drain(): Promise<void>;
}

/** Builds the engine and the server, listens, and marks the server ready. */
export async function startGateway(options: StartGatewayOptions): Promise<Gateway> {
  const { plan, logger } = options;
  applyV8Guards();
  const clock = options.clock ?? systemClock;
  const router = new Router(plan, { clock, random: options.random });
  for (const warning of router.warnings) logger?.warn(warning);
  // The request line is built field by field from safe values (requestLogFields never carries a
  // key or a body), so the redaction paths, a second line of defence for arbitrary objects, are
  // skipped for it: walking them was a measurable share of a request's cost. Where it can, the
  // line is serialised once, by the request log, rather than by pino's generic serialiser.
  if (logger) {
    subscribeRequestLog(router.events, logger.child({}, { redact: [] }), infoLineWriter(logger));
  }
  // Always on, whether or not `litellm_settings.callbacks` lists `prometheus`.
  const metrics = createGatewayMetrics(router);

  const server = buildServer({
    engine: router,
    general: plan.general,
    clock,
    logger: logger ?? false,
    metrics,
    clientStallTimeoutMs: plan.settings.streamIdleTimeoutMs,
  });
  let url: string;
  try {
    url = await server.app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await router.close();
    throw error;
  }
  server.markReady();
  router.startHealthChecks();

  let stopped: Promise<void> | undefined;
  return {
    url,
    router,
    server,
    metrics,
    drain() {
      // Health probes stop at once; the router's close() waits for any still under way.
      stopped ??= Promise.all([server.drain(), router.stopHealthChecks()])
        .finally(() => router.close())
        .then(() => undefined);
      return stopped;
    },
  };
}
