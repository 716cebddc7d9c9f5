/**
 * Requests and tokens per deployment per minute window, for rpm/tpm limits, usage-based
 * routing and the `x-ratelimit-*` headers. Windows are whole minutes of the injected clock
 * (`Math.floor(now / 60_000)`), like LiteLLM's per-minute keys.
 *
 * A {@link UsageTracker} is what routing reads and feeds. This file's tracker counts in process;
 * with a shared store (Redis), shared-usage.ts gives one over the counter sync instead, whose
 * view is the same `synced + local` (every instance's totals at the last flush, plus this
 * instance's additions since), so the request path never waits on Redis either way.
 *
 * The local tracker also keeps its own syncer hooks (`drainDeltas` / `applySynced`, see
 * {@link LocalUsageTracker}); the Redis path does not use them, since the counter sync already
 * keeps deltas, totals and replays for every shared counter.
 */

/** One minute window, as an integer: `Math.floor(epochMs / 60_000)`. */
export function minuteWindow(now: number): number {
  return Math.floor(now / WINDOW_MS);
}

/** Length of a usage window, in ms. */
export const WINDOW_MS = 60_000;

/** Requests and tokens of one deployment in one window. */
export interface UsageCount {
  readonly deploymentId: string;
  /** The minute window (see minuteWindow). */
  readonly window: number;
  readonly requests: number;
  readonly tokens: number;
}

/** Per-deployment usage of the current minute, as limits and strategies read and feed it. */
export interface UsageTracker {
  /** One request sent to the deployment, with the input tokens counted for it (0 if none). */
  addRequest(deploymentId: string, inputTokens: number, now: number): void;
  /** Tokens known after the call (output tokens; input tokens when not counted up front). */
  addTokens(deploymentId: string, tokens: number, now: number): void;
  /** Requests in the window of `now`: synced total plus local delta. */
  requests(deploymentId: string, now: number): number;
  /** Tokens in the window of `now`: synced total plus local delta. */
  tokens(deploymentId: string, now: number): number;
}

/**
 * The in-process tracker, with hooks for a syncer of its own. The loop is:
 *
 * 1. `drainDeltas()`: takes this instance's unsynced additions, per deployment and window
 *    (closed windows included, so the end of a minute is not lost), and folds them into the
 *    local `synced` figure so the view does not dip while the sync is under way;
 * 2. adds them to the shared counters;
 * 3. `applySynced(totals)` with the shared totals it read back: they include every instance's
 *    additions, ours too, and replace `synced`.
 */
export interface LocalUsageTracker extends UsageTracker {
  /** For the syncer: this instance's additions not yet synced, then forgets them (see above). */
  drainDeltas(): UsageCount[];
  /** For the syncer: shared totals read back; a total for an older window is ignored. */
  applySynced(totals: readonly UsageCount[]): void;
}

interface WindowRecord {
  window: number;
  syncedRequests: number;
  syncedTokens: number;
  localRequests: number;
  localTokens: number;
}

export function createUsageTracker(): LocalUsageTracker {
  const records = new Map<string, WindowRecord>();
  /** Unsynced additions of windows that have closed, kept for the next drain. */
  let closed: UsageCount[] = [];

  /** The record of `id` for `window`, rolled over (keeping its unsynced delta) when older. */
  function recordFor(id: string, window: number): WindowRecord {
    let record = records.get(id);
    if (record === undefined) {
      record = { window, syncedRequests: 0, syncedTokens: 0, localRequests: 0, localTokens: 0 };
      records.set(id, record);
    } else if (record.window < window) {
      keepClosed(id, record);
      record.window = window;
      record.syncedRequests = 0;
      record.syncedTokens = 0;
      record.localRequests = 0;
      record.localTokens = 0;
    }
    return record;
  }

  function keepClosed(id: string, record: WindowRecord): void {
    if (record.localRequests === 0 && record.localTokens === 0) return;
    closed.push({
      deploymentId: id,
      window: record.window,
      requests: record.localRequests,
      tokens: record.localTokens,
    });
  }

  function current(id: string, now: number): WindowRecord | undefined {
    const record = records.get(id);
    return record !== undefined && record.window === minuteWindow(now) ? record : undefined;
  }

  return {
    addRequest(id, inputTokens, now) {
      const record = recordFor(id, minuteWindow(now));
      record.localRequests += 1;
      record.localTokens += inputTokens;
    },
    addTokens(id, tokens, now) {
      if (tokens <= 0) return;
      recordFor(id, minuteWindow(now)).localTokens += tokens;
    },
    requests(id, now) {
      const record = current(id, now);
      return record === undefined ? 0 : record.syncedRequests + record.localRequests;
    },
    tokens(id, now) {
      const record = current(id, now);
      return record === undefined ? 0 : record.syncedTokens + record.localTokens;
    },
    drainDeltas() {
      const deltas = closed;
      closed = [];
      for (const [id, record] of records) {
        if (record.localRequests === 0 && record.localTokens === 0) continue;
        deltas.push({
          deploymentId: id,
          window: record.window,
          requests: record.localRequests,
          tokens: record.localTokens,
        });
        record.syncedRequests += record.localRequests;
        record.syncedTokens += record.localTokens;
        record.localRequests = 0;
        record.localTokens = 0;
      }
      return deltas;
    },
    applySynced(totals) {
      for (const total of totals) {
        const record = records.get(total.deploymentId);
        if (record !== undefined && total.window < record.window) continue;
        const target = recordFor(total.deploymentId, total.window);
        target.syncedRequests = total.requests;
        target.syncedTokens = total.tokens;
      }
    },
  };
}
