/**
 * When the self-contained demo takes the primary down, brings it back, and stops. Derived from
 * the flags alone, so the length of a run is known before it starts.
 */

/** Healthy requests before the outage, so the transcript opens on the primary. */
const LEAD_REQUESTS = 10;
/** Requests after the recovery is due, so the transcript ends on the primary again. */
const TAIL_REQUESTS = 10;

export interface TimelineOptions {
  /** Time between requests, in ms. */
  readonly intervalMs: number;
  /** How long the primary refuses connections, in ms. */
  readonly outageMs: number;
  /** The gateway's `cooldown_time`, in ms. */
  readonly cooldownMs: number;
}

/** Offsets from the first request, in ms. */
export interface Timeline {
  readonly outageAtMs: number;
  readonly restoreAtMs: number;
  readonly endAtMs: number;
}

/**
 * The primary goes down after LEAD_REQUESTS intervals. Once it is back, the gateway keeps it
 * benched for at most one `cooldown_time` (the bench started by the last failed probe, which
 * came before the restore); the next request then probes it and succeeds. The run ends
 * TAIL_REQUESTS intervals after that, leaving room for the recovery to show.
 */
export function planTimeline(options: TimelineOptions): Timeline {
  const outageAtMs = LEAD_REQUESTS * options.intervalMs;
  const restoreAtMs = outageAtMs + options.outageMs;
  const endAtMs = restoreAtMs + options.cooldownMs + TAIL_REQUESTS * options.intervalMs;
  return { outageAtMs, restoreAtMs, endAtMs };
}

/** What the primary is doing `elapsedMs` into the run, for the status line. */
export function phaseAt(timeline: Timeline, elapsedMs: number): string {
  if (elapsedMs < timeline.outageAtMs) return 'primary up';
  if (elapsedMs < timeline.restoreAtMs) return 'primary DOWN';
  return 'primary back up';
}
