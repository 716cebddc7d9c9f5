import type { RouterPlan } from '../config/plan.ts';
import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import { DEFAULT_COOLDOWN_WINDOW_MS, type CooldownTracker } from '../resilience/cooldown.ts';
import type { FailureWindow } from '../resilience/cooldown-window.ts';
import { createCounterSync, type CounterSync } from '../state/counter-sync.ts';
import type { StateStore } from '../state/state-store.ts';
import {
  createSharedFailureWindow,
  sharedWindowExpired,
  sharedWindowKey,
} from './shared-failure-window.ts';

/**
 * The failure counters that decide benches, counted by all instances together when the store
 * shares state (Redis): a deployment failing a little on each of several instances is benched
 * once the combined counts cross `allowed_fails` or the failure-rate rule. Without a shared
 * store nothing changes: each breaker keeps its own local window.
 */
export interface SharedFailureCounts {
  /** The tracker's `windowFor`; undefined when nothing is shared. */
  readonly windowFor: ((deploymentId: string) => FailureWindow) | undefined;
  /**
   * Re-judges a deployment each time other instances' outcomes change its counts (after a
   * flush); `onBench` hears the benches that decides. Returns the disconnect.
   */
  watch(
    cooldown: CooldownTracker,
    onBench: (deployment: Deployment, until: number) => void,
  ): () => void;
  /** Stops the flush timer after a last flush. */
  close(): Promise<void>;
}

export interface SharedFailureCountsOptions {
  readonly plan: RouterPlan;
  readonly store: StateStore;
  readonly clock: Clock;
  /** The cooldown window, in ms. Default: the tracker's, 60_000. */
  readonly windowMs?: number | undefined;
  /** Flush interval, in ms. Default: the counter sync's, 100. */
  readonly flushIntervalMs?: number | undefined;
}

/** Slack on the counters' lifetime in Redis past the window, for instances' clock skew. */
const TTL_SLACK_MS = 10_000;

export function shareFailureCounts(options: SharedFailureCountsOptions): SharedFailureCounts {
  const { plan, store, clock } = options;
  const windowMs = options.windowMs ?? DEFAULT_COOLDOWN_WINDOW_MS;
  if (store.kind !== 'redis') {
    return { windowFor: undefined, watch: () => () => undefined, close: () => Promise.resolve() };
  }
  const sync: CounterSync = createCounterSync({
    store,
    clock,
    ttlMs: windowMs + TTL_SLACK_MS,
    intervalMs: options.flushIntervalMs,
    expired: sharedWindowExpired(windowMs),
  });
  const byKey = new Map<string, Deployment>();
  for (const deployment of plan.deployments.values()) {
    byKey.set(sharedWindowKey(deployment.id, windowMs), deployment);
  }
  return {
    windowFor: (deploymentId) =>
      createSharedFailureWindow({
        sync,
        key: sharedWindowKey(deploymentId, windowMs),
        windowMs,
        clock,
      }),
    watch(cooldown, onBench) {
      return sync.onRemoteChange((keys) => {
        for (const key of keys) {
          const deployment = byKey.get(key);
          if (deployment === undefined) continue;
          const size = plan.groups.get(deployment.group)?.deployments.length ?? 1;
          const event = cooldown.reviewCounts(deployment, size);
          if (event?.type === 'bench') onBench(deployment, event.until);
        }
      });
    },
    close: () => sync.close(),
  };
}
