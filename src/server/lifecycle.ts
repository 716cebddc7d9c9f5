import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.ts';

/** Readiness and graceful shutdown of one server. */
export interface ServerLifecycle {
  /** True once markReady() was called and until a drain starts. */
  isReady(): boolean;
  markReady(): void;
  /**
   * Readiness turns 503 at once; the server stops accepting connections; in-flight requests and
   * open streams finish. After `drainTimeoutMs` the remaining connections are destroyed (which
   * aborts their engine calls). Resolves when the server is closed; idempotent.
   */
  drain(): Promise<void>;
}

/**
 * Must be created before routes are added: it installs the hook that lets keep-alive
 * connections go as soon as their last response is done during a drain.
 */
export function createLifecycle(
  app: FastifyInstance,
  clock: Clock,
  drainTimeoutMs: number,
): ServerLifecycle {
  let ready = false;
  let draining = false;
  let drained: Promise<void> | undefined;

  // server.close() closes the connections idle at that moment only; a keep-alive connection
  // whose response ends later (a stream, a slow call) would hold the drain for the whole
  // keep-alive timeout. One shared listener, not a closure per request.
  function reapIdleConnections(): void {
    if (draining) app.server.closeIdleConnections();
  }
  app.addHook('onRequest', (_request, reply, done) => {
    reply.raw.once('close', reapIdleConnections);
    done();
  });

  async function closeWithinBudget(): Promise<void> {
    const cancelTimer = clock.setTimer(() => {
      app.log.warn({ drainTimeoutMs }, 'drain timed out; closing the remaining connections');
      app.server.closeAllConnections();
    }, drainTimeoutMs);
    try {
      await app.close();
    } finally {
      cancelTimer();
    }
  }

  return {
    isReady: () => ready && !draining,
    markReady() {
      ready = true;
    },
    drain() {
      // The flag flips before close() starts, so no response closing meanwhile is missed.
      draining = true;
      drained ??= closeWithinBudget();
      return drained;
    },
  };
}
