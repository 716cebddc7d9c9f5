import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.ts';

/** Readiness and graceful shutdown of one server. */
export interface ServerLifecycle {
  /** True once markReady() was called and until a drain starts. */
  isReady(): boolean;
  /**
   * True once a drain has started. Responses written from then on carry `connection: close`, so
   * that a keep-alive client does not send its next request on a connection about to close.
   */
  isDraining(): boolean;
  markReady(): void;
  /**
   * Readiness turns 503 at once; the server stops accepting connections; in-flight requests and
   * open streams finish. After `drainTimeoutMs` the remaining connections are destroyed (which
   * aborts their engine calls). Resolves when the server is closed; idempotent.
   */
  drain(): Promise<void>;
}

/** How often a drain closes the keep-alive connections whose last response has ended, in ms. */
const REAP_INTERVAL_MS = 20;

/** Readiness and the drain of one server; created once, with the server. */
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
  // keep-alive timeout. So while draining, the connections that went idle since are closed
  // every REAP_INTERVAL_MS: a timer during a drain rather than a listener on every response.
  async function closeWithinBudget(): Promise<void> {
    const cancelTimer = clock.setTimer(() => {
      app.log.warn({ drainTimeoutMs }, 'drain timed out; closing the remaining connections');
      app.server.closeAllConnections();
    }, drainTimeoutMs);
    // A real timer, not the injected clock: it polls sockets, which go idle in real time; the
    // drain's budget above is the part whose timing matters.
    const sweep = setInterval(() => app.server.closeIdleConnections(), REAP_INTERVAL_MS);
    sweep.unref();
    try {
      await app.close();
    } finally {
      cancelTimer();
      clearInterval(sweep);
    }
  }

  return {
    isReady: () => ready && !draining,
    isDraining: () => draining,
    markReady() {
      ready = true;
    },
    drain() {
      // Readiness turns 503 before close() starts.
      draining = true;
      drained ??= closeWithinBudget();
      return drained;
    },
  };
}
