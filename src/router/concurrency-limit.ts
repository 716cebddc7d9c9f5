/**
 * `max_parallel_requests` per deployment (else `default_max_parallel_requests`): a bounded
 * number of attempts in flight, with a short queue. Selection skips a deployment that is full
 * (its CandidateFilter), so a request goes to another deployment while any has room; only when
 * every one is full does it wait, briefly, in the queue of the one the strategy picks, and a
 * slot freed there is handed straight to the oldest waiter. A full queue, or a wait that runs
 * out, is a 429.
 */
import { abortReason, type CancelSignal } from '../core/cancellation.ts';
import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { RouterPlan } from '../config/plan.ts';
import { noDeploymentsError } from '../errors/common-errors.ts';
import type { Admission, CandidateFilter } from './candidate-filter.ts';

/** Longest a request waits for a slot, in ms (less when its deadline is nearer). */
export const SLOT_WAIT_MS = 1_000;

export interface SlotWait {
  readonly clock: Clock;
  /** The client's signal: its abort ends the wait (and rejects with its reason). */
  readonly signal: CancelSignal | undefined;
  /** Longest wait, in ms. */
  readonly maxWaitMs: number;
}

export interface ConcurrencyLimiter {
  /** Selection's filter: admits deployments with a free slot. */
  readonly filter: CandidateFilter;
  /** True when `admission` came from this limiter's filter. */
  owns(admission: Admission): boolean;
  hasRoom(deploymentId: string): boolean;
  /** True while the deployment's queue can take another waiter. */
  canQueue(deploymentId: string): boolean;
  /** Takes a slot (the caller saw room, or nothing is limited for this deployment). */
  acquire(deploymentId: string): void;
  /** Gives a slot back: to the oldest waiter when there is one, else to the pool. */
  release(deploymentId: string): void;
  /**
   * Waits for a slot: true once one is held, false when the queue is full or the wait ran out.
   * Rejects with the signal's reason when the client leaves.
   */
  waitForSlot(deploymentId: string, wait: SlotWait): Promise<boolean>;
}

interface Pool {
  readonly limit: number;
  busy: number;
  /** Waiters, oldest first; each is handed a slot by calling it. */
  readonly queue: (() => void)[];
}

/** The limiter for `plan`, or undefined when no deployment is limited. */
export function createConcurrencyLimiter(plan: RouterPlan): ConcurrencyLimiter | undefined {
  const pools = new Map<string, Pool>();
  const limitedGroups = new Set<string>();
  for (const deployment of plan.deployments.values()) {
    const limit = deployment.maxParallelRequests ?? plan.settings.defaultMaxParallelRequests;
    if (limit === undefined) continue;
    pools.set(deployment.id, { limit, busy: 0, queue: [] });
    limitedGroups.add(deployment.group);
  }
  if (pools.size === 0) return undefined;

  const hasRoom = (id: string): boolean => {
    const pool = pools.get(id);
    return pool === undefined || pool.busy < pool.limit;
  };
  const admissions = new WeakSet<Admission>();
  const filter: CandidateFilter = {
    name: 'max_parallel_requests',
    admissionFor(request) {
      if (!limitedGroups.has(request.group.name)) return undefined;
      const admission: Admission = {
        admits: (deployment: Deployment) => hasRoom(deployment.id),
        // The wait for a slot already ran out: a second is a fair guess for the next one.
        rejection: () => noDeploymentsError(request.group.name, SLOT_WAIT_MS),
      };
      admissions.add(admission);
      return admission;
    },
  };

  return {
    filter,
    owns: (admission) => admissions.has(admission),
    hasRoom,
    canQueue(id) {
      const pool = pools.get(id);
      // At most as many waiting as running: a longer queue only converts latency into timeouts.
      return pool !== undefined && pool.queue.length < pool.limit;
    },
    acquire(id) {
      const pool = pools.get(id);
      if (pool) pool.busy += 1;
    },
    release(id) {
      const pool = pools.get(id);
      if (pool === undefined) return;
      const next = pool.queue.shift();
      if (next) next();
      else pool.busy = Math.max(0, pool.busy - 1);
    },
    waitForSlot(id, wait) {
      const pool = pools.get(id);
      if (pool === undefined) return Promise.resolve(true);
      if (pool.busy < pool.limit) {
        pool.busy += 1;
        return Promise.resolve(true);
      }
      if (pool.queue.length >= pool.limit || wait.maxWaitMs <= 0) return Promise.resolve(false);
      return enqueue(pool, wait);
    },
  };
}

function enqueue(pool: Pool, wait: SlotWait): Promise<boolean> {
  const { signal } = wait;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const leave = (): void => {
      const index = pool.queue.indexOf(handOver);
      if (index >= 0) pool.queue.splice(index, 1);
      cancelTimer();
      signal?.removeEventListener('abort', onAbort);
    };
    // Called by release(): the slot passes to us without ever being free for anyone else.
    const handOver = (): void => {
      leave();
      resolve(true);
    };
    const onAbort = (): void => {
      leave();
      if (signal) reject(abortReason(signal));
    };
    const cancelTimer = wait.clock.setTimer(() => {
      leave();
      resolve(false);
    }, wait.maxWaitMs);
    pool.queue.push(handOver);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
