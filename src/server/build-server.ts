/**
 * The HTTP face of the gateway: the only file that creates the fastify instance. It parses,
 * authenticates, calls the RouterEngine and writes the answer; it holds no reliability logic.
 */
import {
  fastify,
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyLoggerOptions,
  type FastifyServerOptions,
} from 'fastify';
import packageJson from '../../package.json' with { type: 'json' };
import type { GeneralSettings } from '../config/plan.ts';
import { ROUTER_DEFAULTS } from '../config/router-settings.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { MetricsExporter } from '../observability/metrics.ts';
import type { RouterEngine } from '../router/types.ts';
import { createAuthGuard } from './auth.ts';
import { createErrorHandler } from './error-response.ts';
import { lazyChildLogger } from './lazy-child-logger.ts';
import { createLifecycle } from './lifecycle.ts';
import { createModelCatalog } from './model-catalog.ts';
import { registerChatRoutes } from './routes/chat.ts';
import { registerCompletionRoutes } from './routes/completions.ts';
import { registerEmbeddingRoutes } from './routes/embeddings.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMetricsRoutes } from './routes/metrics.ts';
import { registerModelRoutes } from './routes/models.ts';
import type { ServerContext } from './server-context.ts';

export interface BuildServerOptions {
  readonly engine: RouterEngine;
  readonly general: GeneralSettings;
  /**
   * A pino-compatible logger instance, fastify's logger options, or `false`. Default: `false`
   * (silent). Per-request lines are off either way; router events carry the request log.
   */
  readonly logger?: FastifyBaseLogger | FastifyLoggerOptions | boolean;
  /** Default: the system clock. Drives the duration headers and the drain timeout. */
  readonly clock?: Clock;
  /** Reported by `/health/readiness`. Default: the package version. */
  readonly version?: string;
  /** Served on `GET /metrics`. Default: none (the route is not registered). */
  readonly metrics?: MetricsExporter;
  /**
   * How long a stream waits for a client to take what is queued for it before its connection
   * is closed (as nginx's `send_timeout`), in ms. Default: `stream_idle_timeout`'s, 60 s; the
   * gateway passes the configured one: the longest a stream may stand still, whichever side
   * holds it up.
   */
  readonly clientStallTimeoutMs?: number;
}

export interface GatewayServer {
  /** Not yet listening: call `app.listen()`, or `app.inject()` in tests. */
  readonly app: FastifyInstance;
  /** Turns readiness to 200 (call once the gateway is listening and warmed up). */
  readonly markReady: () => void;
  /**
   * Graceful shutdown: readiness 503 at once, no new connections, in-flight requests and streams
   * finish within `general.drainTimeoutMs`, then the rest are cut. Resolves once closed. The
   * engine is not closed: its owner does that.
   */
  readonly drain: () => Promise<void>;
}

export function buildServer(options: BuildServerOptions): GatewayServer {
  const { engine, general } = options;
  const clock = options.clock ?? systemClock;
  const app: FastifyInstance = fastify({
    ...loggerOptions(options.logger),
    bodyLimit: general.maxRequestBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
    // request.log becomes a pino child only when a line is written through it.
    childLoggerFactory: lazyChildLogger,
    trustProxy: false,
    requestIdHeader: false,
    // Connections idle at close are closed at once; busy ones finish (see lifecycle.ts).
    forceCloseConnections: 'idle',
    // fastify's own 503 body is not OpenAI-shaped and would hide readiness' answer. Requests
    // arriving on a kept-alive connection during a drain are served with `connection: close`
    // (fastify sets it); so are answers to requests already in flight (ServerLifecycle).
    return503OnClosing: false,
  });

  const lifecycle = createLifecycle(app, clock, general.drainTimeoutMs);
  const context: ServerContext = {
    engine,
    clock,
    models: createModelCatalog(engine.modelGroups(), engine.servesModel?.bind(engine)),
    lifecycle,
    guard: createAuthGuard(general.masterKey),
    version: options.version ?? packageJson.version,
    startedAtSeconds: Math.floor(clock.now() / 1000),
    clientStallTimeoutMs: options.clientStallTimeoutMs ?? ROUTER_DEFAULTS.streamIdleTimeoutMs,
  };

  // Every body is read as JSON, whatever its content-type: LiteLLM's proxy does the same, so a
  // `curl -d '{…}'` without a content-type header (sent as form-urlencoded) keeps working.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.setErrorHandler(
    createErrorHandler(
      clock,
      general.maxRequestBodyBytes,
      engine.reportRejected?.bind(engine),
      () => lifecycle.isDraining(),
    ),
  );
  app.setNotFoundHandler((request) => {
    const path = request.url.split('?', 1)[0] ?? '';
    throw new GatewayError('NotFoundError', `No route for ${request.method} ${path}`);
  });
  registerChatRoutes(app, context);
  registerCompletionRoutes(app, context);
  registerEmbeddingRoutes(app, context);
  registerModelRoutes(app, context);
  registerHealthRoutes(app, context);
  if (options.metrics) {
    registerMetricsRoutes(app, context, {
      metrics: options.metrics,
      requireAuth: general.requireAuthForMetrics,
    });
  }

  return { app, markReady: () => lifecycle.markReady(), drain: () => lifecycle.drain() };
}

function loggerOptions(
  logger: BuildServerOptions['logger'],
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (logger === undefined || typeof logger === 'boolean') return { logger: logger ?? false };
  return isLoggerInstance(logger) ? { loggerInstance: logger } : { logger };
}

function isLoggerInstance(
  logger: FastifyBaseLogger | FastifyLoggerOptions,
): logger is FastifyBaseLogger {
  return typeof (logger as { child?: unknown }).child === 'function';
}
