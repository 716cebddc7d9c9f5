/**
 * The watcher's state machine, free of timers and I/O: fed one request outcome at a time, it
 * classifies who answered, notices when traffic moves between model groups (one banner per
 * move), and keeps the counts the summary and the exit code are made of.
 */

/** What one request through the gateway came to. */
export type RequestOutcome =
  | {
      readonly ok: true;
      /** When the answer arrived, epoch ms. */
      readonly at: number;
      /** The model group that answered: `x-litellm-model-group`, else the response's `model`. */
      readonly answeredBy: string;
      readonly reply: string;
      readonly latencyMs: number;
    }
  | {
      readonly ok: false;
      /** When the request failed, epoch ms. */
      readonly at: number;
      /** The HTTP status, when the gateway answered at all. */
      readonly status?: number;
      readonly message: string;
      readonly latencyMs: number;
    };

/** Whether the group that answered is the one the client asked for. */
export type Role = 'primary' | 'fallback';

/** Traffic moved: away from the group that answered before (failover) or back to the primary. */
export interface Transition {
  readonly kind: 'failover' | 'recovery';
  readonly from: string;
  readonly to: string;
}

/** Everything the watcher knows; a plain value, replaced on every outcome. */
export interface WatcherState {
  /** The model group the client requests. */
  readonly primary: string;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Successful answers from the primary group. */
  readonly servedByPrimary: number;
  /** Successful answers from any other group. */
  readonly servedByFallback: number;
  readonly failovers: number;
  readonly recoveries: number;
  /** The group that gave the latest successful answer; undefined before the first. */
  readonly current: string | undefined;
}

/** One outcome, seen by the watcher. */
export interface Observation {
  readonly state: WatcherState;
  /** 1-based number of this request. */
  readonly request: number;
  /** Undefined for a failed request. */
  readonly role: Role | undefined;
  /** Set on the request that showed traffic had moved; failures never move it. */
  readonly transition: Transition | undefined;
}

/** The state before any request, for a client asking for `primary`. */
export function createWatcherState(primary: string): WatcherState {
  return {
    primary,
    total: 0,
    succeeded: 0,
    failed: 0,
    servedByPrimary: 0,
    servedByFallback: 0,
    failovers: 0,
    recoveries: 0,
    current: undefined,
  };
}

/** The role of an answer from `group` for a client that asked for `primary`. */
export function classify(primary: string, group: string): Role {
  return group === primary ? 'primary' : 'fallback';
}

/**
 * Applies one outcome. The first success sets the baseline without a banner (a gateway
 * watched with `--target` may already be failed over); after that every change of answering
 * group is one transition: back to the primary is a recovery, anything else a failover.
 */
export function observe(state: WatcherState, outcome: RequestOutcome): Observation {
  const request = state.total + 1;
  if (!outcome.ok) {
    const next = { ...state, total: request, failed: state.failed + 1 };
    return { state: next, request, role: undefined, transition: undefined };
  }
  const group = outcome.answeredBy;
  const role = classify(state.primary, group);
  const moved = state.current !== undefined && state.current !== group;
  const transition: Transition | undefined = moved
    ? { kind: role === 'primary' ? 'recovery' : 'failover', from: state.current, to: group }
    : undefined;
  const next: WatcherState = {
    ...state,
    total: request,
    succeeded: state.succeeded + 1,
    servedByPrimary: state.servedByPrimary + (role === 'primary' ? 1 : 0),
    servedByFallback: state.servedByFallback + (role === 'fallback' ? 1 : 0),
    failovers: state.failovers + (transition?.kind === 'failover' ? 1 : 0),
    recoveries: state.recoveries + (transition?.kind === 'recovery' ? 1 : 0),
    current: group,
  };
  return { state: next, request, role, transition };
}

/** Exit code when the run ended with at least one request and no failed request. */
export const EXIT_MET = 0;
/** Exit code when a request failed, or none was sent. */
export const EXIT_NOT_MET = 1;

/** Whether the run met its promise: requests were sent and every one was answered. */
export function zeroFailures(state: WatcherState): boolean {
  return state.total > 0 && state.failed === 0;
}

/** The process exit code for a finished run (interrupted runs follow the same rule). */
export function exitCodeFor(state: WatcherState): number {
  return zeroFailures(state) ? EXIT_MET : EXIT_NOT_MET;
}
