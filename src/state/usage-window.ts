/**
 * Requests and tokens per deployment per minute window, for rpm/tpm limits, usage-based
 * routing and the `x-ratelimit-*` headers. Windows are whole minutes of the injected clock
 * (`Math.floor(now / 60_000)`), like LiteLLM's per-minute keys.
 *
 * A {@link UsageTracker} is what routing reads and feeds. This file's tracker counts in process;
 * with a shared store (Redis), shared-usage.ts gives one over the counter sync instead, whose
 * view is the same `synced + local` (every instance's totals at the last flush, plus this
 * instance's additions since), so the request path never waits on Redis either way.
 */

/** One minute window, as an integer: `Math.floor(epochMs / 60_000)`. */
export function minuteWindow(now: number): number {
  return Math.floor(now / WINDOW_MS);
}

/** Length of a usage window, in ms. */
export const WINDOW_MS = 60_000;

/** Per-deployment usage of the current minute, as limits and strategies read and feed it. */
export interface UsageTracker {
  /** One request sent to the deployment, with the input tokens counted for it (0 if none). */
  addRequest(deploymentId: string, inputTokens: number, now: number): void;
  /** Tokens known after the call (output tokens; input tokens when not counted up front). */
  addTokens(deploymentId: string, tokens: number, now: number): void;
  /** Requests in the window of `now` (shared trackers: synced total plus local delta). */
  requests(deploymentId: string, now: number): number;
  /** Tokens in the window of `now` (shared trackers: synced total plus local delta). */
  tokens(deploymentId: string, now: number): number;
}

interface WindowRecord {
  window: number;
  requests: number;
  tokens: number;
}

/** The in-process tracker: one record per deployment, for the current minute only. */
export function createUsageTracker(): UsageTracker {
  const records = new Map<string, WindowRecord>();

  /** The record of `id` for `window`, started afresh when it holds an older window. */
  function recordFor(id: string, window: number): WindowRecord {
    let record = records.get(id);
    if (record === undefined) {
      record = { window, requests: 0, tokens: 0 };
      records.set(id, record);
    } else if (record.window < window) {
      record.window = window;
      record.requests = 0;
      record.tokens = 0;
    }
    return record;
  }

  function current(id: string, now: number): WindowRecord | undefined {
    const record = records.get(id);
    return record !== undefined && record.window === minuteWindow(now) ? record : undefined;
  }

  return {
    addRequest(id, inputTokens, now) {
      const record = recordFor(id, minuteWindow(now));
      record.requests += 1;
      record.tokens += inputTokens;
    },
    addTokens(id, tokens, now) {
      if (tokens <= 0) return;
      recordFor(id, minuteWindow(now)).tokens += tokens;
    },
    requests(id, now) {
      return current(id, now)?.requests ?? 0;
    },
    tokens(id, now) {
      return current(id, now)?.tokens ?? 0;
    },
  };
}
