import type { onRequestHookHandler } from 'fastify';
import type { Clock } from '../core/clock.ts';
import type { RouterEngine } from '../router/types.ts';
import type { ServerLifecycle } from './lifecycle.ts';
import type { ModelCatalog } from './model-catalog.ts';

/** What the routes share, built once by buildServer. */
export interface ServerContext {
  readonly engine: RouterEngine;
  readonly clock: Clock;
  readonly models: ModelCatalog;
  readonly lifecycle: ServerLifecycle;
  /** The master-key check for API routes; undefined when no master key is configured. */
  readonly guard: onRequestHookHandler | undefined;
  /** The gateway's version, reported by readiness. */
  readonly version: string;
  /** When the server was built, epoch seconds: the `created` of every model entry. */
  readonly startedAtSeconds: number;
  /** How long a stream waits for a client that takes nothing before closing it, ms. */
  readonly clientStallTimeoutMs: number;
}
