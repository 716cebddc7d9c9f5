import type { Clock } from '../core/clock.ts';
import { createCounterSync, type CounterSync } from './counter-sync.ts';
import type { StateStore } from './state-store.ts';
import { minuteWindow, WINDOW_MS, type UsageTracker } from './usage-window.ts';

/**
 * rpm/tpm usage counted by every instance together when the store shares state (Redis): each
 * deployment's requests and tokens per minute window are counter fields (`<window>:requests`,
 * `<window>:tokens` of the hash `usage:<deploymentId>`, under the store's key prefix), added to
 * in memory and flushed by the counter sync every 100 ms in one pipelined round trip.
 *
 * An instance's view is the counter sync's: every instance's totals at its last flush plus its
 * own additions since. So the request path never waits on Redis; the other instances' traffic
 * shows up at most about two flush intervals plus a round trip late, which bounds how far the
 * instances together can go past a limit (see docs/operations.md, "Lag and overshoot"). While
 * Redis is down, the deltas wait and each instance counts on what it knew plus its own traffic.
 *
 * Within a window the true counts only grow, so a view never goes down either: it keeps the
 * highest figure it has shown. That matters after Redis lost its data (a restart without
 * persistence): until every instance has sent its earlier contributions again, the totals read
 * back are short, and a limit must not open up for that while.
 */
export interface SharedUsage {
  /** The tracker over the shared counters; undefined without a shared store (count locally). */
  readonly tracker: UsageTracker | undefined;
  /** Stops the flush timer after a last flush. */
  close(): Promise<void>;
}

export interface SharedUsageOptions {
  readonly store: StateStore;
  readonly clock: Clock;
  /** Flush interval, in ms. Default: the counter sync's, 100. */
  readonly flushIntervalMs?: number | undefined;
  /**
   * Deployments whose usage is read back from the first flush on, so a fresh instance knows
   * the others' usage before its first request. Others (and these after two idle minutes) are
   * read back from their first use. Default: none.
   */
  readonly watch?: readonly string[] | undefined;
}

/**
 * How long a usage hash outlives its last write in the store, in ms: the current window and
 * the one before (for instances whose clocks are a little behind), no more.
 */
export const USAGE_TTL_MS = 2 * WINDOW_MS;

const REQUESTS = 'requests';
const TOKENS = 'tokens';
type Tally = typeof REQUESTS | typeof TOKENS;

const KEY_PREFIX = 'usage:';

/** The counter key of a deployment's usage, the same on every instance. */
export function usageKey(deploymentId: string): string {
  return `${KEY_PREFIX}${deploymentId}`;
}

/** Whether a usage field has ended at `nowMs`: windows before the previous one have. */
export function usageFieldExpired(field: string, nowMs: number): boolean {
  const colon = field.indexOf(':');
  const window = colon > 0 ? Number(field.slice(0, colon)) : Number.NaN;
  return !Number.isSafeInteger(window) || window < minuteWindow(nowMs) - 1;
}

/** Shares usage through `store` when it is Redis; otherwise does nothing (no timer either). */
export function shareUsage(options: SharedUsageOptions): SharedUsage {
  const { store, clock } = options;
  if (store.kind !== 'redis') return { tracker: undefined, close: () => Promise.resolve() };
  const sync = createCounterSync({
    store,
    clock,
    ttlMs: USAGE_TTL_MS,
    intervalMs: options.flushIntervalMs,
    expired: usageFieldExpired,
  });
  const tracker = createSharedUsageTracker(sync, clock);
  for (const id of options.watch ?? []) tracker.requests(id, clock.now());
  return { tracker, close: () => sync.close() };
}

/** The highest figures a deployment's view has shown in one window. */
interface HighWater {
  window: number;
  requests: number;
  tokens: number;
}

/**
 * A usage tracker over `sync` (see {@link SharedUsage}). Each flush that brings other
 * instances' usage is noted in the high-water marks, so an instance that has not routed to a
 * deployment lately still never sees its usage dip.
 */
export function createSharedUsageTracker(
  sync: Pick<CounterSync, 'add' | 'total' | 'onRemoteChange'>,
  clock: Clock,
): UsageTracker {
  const shown = new Map<string, HighWater>();

  /** `value` of `tally`, never below what the same window already showed. */
  function atLeastShown(id: string, window: number, tally: Tally, value: number): number {
    let mark = shown.get(id);
    if (mark === undefined || mark.window < window) {
      mark = { window, requests: 0, tokens: 0 };
      shown.set(id, mark);
    } else if (mark.window > window) {
      return value;
    }
    mark[tally] = Math.max(mark[tally], value);
    return mark[tally];
  }

  function read(id: string, tally: Tally, now: number): number {
    const window = minuteWindow(now);
    return atLeastShown(id, window, tally, sync.total(usageKey(id), `${window}:${tally}`));
  }

  function addTokens(id: string, tokens: number, window: number): void {
    // Counters take integers; a provider's token count always is one, anything else is noise.
    const whole = Math.round(tokens);
    if (whole > 0) sync.add(usageKey(id), `${window}:${TOKENS}`, whole);
  }

  sync.onRemoteChange((keys) => {
    const now = clock.now();
    for (const key of keys) {
      if (!key.startsWith(KEY_PREFIX)) continue;
      const id = key.slice(KEY_PREFIX.length);
      read(id, REQUESTS, now);
      read(id, TOKENS, now);
    }
  });

  return {
    addRequest(id, inputTokens, now) {
      const window = minuteWindow(now);
      sync.add(usageKey(id), `${window}:${REQUESTS}`, 1);
      addTokens(id, inputTokens, window);
    },
    addTokens: (id, tokens, now) => addTokens(id, tokens, minuteWindow(now)),
    requests: (id, now) => read(id, REQUESTS, now),
    tokens: (id, now) => read(id, TOKENS, now),
  };
}
