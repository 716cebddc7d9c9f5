/**
 * The per-deployment circuit breaker (DESIGN.md §3 "Cooldowns"): pure in-process state on an
 * injected Clock. It sets no timers: every transition is computed from `clock.now()` when the
 * state is next read, so nothing leaks and a fake clock drives it completely.
 */
import type { AllowedFailsPolicy } from '../config/plan.ts';
import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import {
  allowedFailsKey,
  benchLengthMs,
  benchReason,
  countsBenchReason,
  type BenchReason,
} from './cooldown-rules.ts';
import { createFailureWindow, type FailureWindow } from './cooldown-window.ts';

export type { BenchReason } from './cooldown-rules.ts';

/** Default failure-rate window, in ms: LiteLLM counts failures per minute. */
export const DEFAULT_COOLDOWN_WINDOW_MS = 60_000;

export interface CooldownOptions {
  readonly clock: Clock;
  /** Router default bench length in ms (`cooldown_time`); LiteLLM's default is 5_000. */
  readonly cooldownTimeMs: number;
  /** `allowed_fails`: counted failures tolerated within the window; undefined = rate rule. */
  readonly allowedFails: number | undefined;
  /** `allowed_fails_policy`: the same tolerance per error kind; an entry wins for its kind. */
  readonly allowedFailsPolicy: AllowedFailsPolicy | undefined;
  /** `disable_cooldowns`: never bench, locally or on a remote instance's word. */
  readonly disabled: boolean;
  /** Failure-rate window in ms. Default 60_000. */
  readonly windowMs?: number;
  /**
   * Makes each deployment's failure window (e.g. one counted by every instance together).
   * Default: a window of this instance's outcomes, `createFailureWindow(windowMs)`.
   */
  readonly windowFor?: (deploymentId: string) => FailureWindow;
}

/**
 * `closed`: takes traffic. `open`: benched until `benchedUntil`. `half-open`: the bench has
 * ended and one probe request may go to it; its result closes or re-opens the breaker.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A state change. `until` is epoch ms (absolute, so it means the same on every instance);
 * `reason` is a {@link BenchReason} for benches decided here.
 */
export type CooldownEvent =
  | { type: 'bench'; deploymentId: string; until: number; reason: string }
  | { type: 'half-open'; deploymentId: string }
  | { type: 'close'; deploymentId: string };

export interface CooldownTracker {
  /**
   * May this deployment take a request now? closed → yes; open before `until` → no; at or past
   * `until` → half-open: yes only if no probe is in flight. Changes no state, but the first
   * read that finds a bench over emits the `half-open` event (transitions are lazy).
   */
  isAvailable(deploymentId: string): boolean;
  /**
   * False while no deployment is benched or half-open: then every isAvailable() is true, and
   * selection need not ask deployment by deployment (the common case, and the large groups').
   */
  hasBenches(): boolean;
  /**
   * The router calls this when it sends a request to the deployment. In half-open state it
   * claims the single probe slot (a second caller of isAvailable then gets false until the
   * probe ends). A no-op when closed or open.
   */
  onAttemptStart(deploymentId: string): void;
  /**
   * Drops everything known about a deployment, as if it had never been called. For
   * deployments that come and go (derived for a wildcard name): keeps memory bounded.
   */
  forget(deploymentId: string): void;
  /** A call succeeded. In half-open state it closes the breaker and clears its window. */
  recordSuccess(deployment: Deployment): void;
  /**
   * A call failed. Errors whose policy has `cooldown: false` only release a held probe slot.
   * `groupSize` is the number of deployments in the deployment's group. Returns the bench
   * event if this failure benched (or re-benched, or extended the bench of) the deployment.
   */
  recordFailure(
    deployment: Deployment,
    error: GatewayError,
    groupSize: number,
  ): CooldownEvent | undefined;
  /** The attempt ended without a verdict (client went away): releases a held probe slot. */
  onAttemptAbandoned(deploymentId: string): void;
  /** The breaker's state now; like isAvailable, may emit the lazy `half-open` event. */
  state(deploymentId: string): BreakerState;
  /** Epoch ms when the bench ends, while benched (open); undefined otherwise. */
  benchedUntil(deploymentId: string): number | undefined;
  /**
   * Subscribes to state changes (metrics, Redis sync). Listeners run synchronously; one that
   * throws is ignored. Returns the unsubscribe function.
   */
  onEvent(listener: (event: CooldownEvent) => void): () => void;
  /**
   * Applies a bench decided on another instance: the bench runs to the later of its `until`
   * and any local one. Listeners are not told (the deciding instance already published it,
   * so a Redis sync cannot echo it back); the `half-open` and `close` that follow are local
   * and are emitted. Only `bench` events apply; a remote `half-open` or `close` is ignored,
   * since each instance runs its own probe. Ignored when cooldowns are disabled.
   */
  applyRemote(event: CooldownEvent): void;
  /**
   * Judges a closed breaker on its window's counts alone, with no new failure: called when a
   * shared window learnt of other instances' outcomes, so a combined count that crosses
   * `allowed_fails` or the failure-rate rule benches the deployment even if the crossing
   * failure happened elsewhere. Returns (and emits) the bench event, if any. The bench lasts
   * the deployment's or the router's `cooldown_time` (no Retry-After is at hand).
   */
  reviewCounts(deployment: Deployment, groupSize: number): CooldownEvent | undefined;
}

interface Breaker {
  /** Epoch ms the current bench ends; undefined while closed. */
  until: number | undefined;
  /** The `half-open` event for the current bench has been emitted. */
  halfOpenAnnounced: boolean;
  /** A probe holds the half-open slot. */
  probeInFlight: boolean;
  readonly window: FailureWindow;
}

/**
 * Creates a tracker. Throws a RangeError when `cooldownTimeMs`, `allowedFails` or `windowMs`
 * is negative or not finite (or `windowMs` is 0).
 *
 * Probe accounting is per deployment, not per attempt: every verdict on the deployment while it
 * is half-open (even from a request sent before the bench) ends the probe. A late verdict
 * carries the same information about the deployment's health, so this costs nothing real.
 */
export function createCooldownTracker(options: CooldownOptions): CooldownTracker {
  const { clock, disabled } = options;
  const windowMs = options.windowMs ?? DEFAULT_COOLDOWN_WINDOW_MS;
  validate(options, windowMs);
  const breakers = new Map<string, Breaker>();
  /** Breakers whose `until` is set (open or half-open); kept by setUntil() and forget(). */
  let benchedCount = 0;
  const listeners = new Set<(event: CooldownEvent) => void>();

  function emit(event: CooldownEvent): void {
    // A copy, so a listener that unsubscribes (itself or another) does not disturb the loop.
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A broken metrics or sync subscriber must never stop a breaker from recording.
      }
    }
  }

  function breakerFor(id: string): Breaker {
    let breaker = breakers.get(id);
    if (breaker === undefined) {
      breaker = {
        until: undefined,
        halfOpenAnnounced: false,
        probeInFlight: false,
        window: options.windowFor?.(id) ?? createFailureWindow(windowMs),
      };
      breakers.set(id, breaker);
    }
    return breaker;
  }

  /** The breaker's state now, emitting `half-open` the first time a finished bench is seen. */
  function observe(id: string, breaker: Breaker | undefined): BreakerState {
    if (breaker?.until === undefined) return 'closed';
    if (clock.now() < breaker.until) return 'open';
    if (!breaker.halfOpenAnnounced) {
      breaker.halfOpenAnnounced = true;
      emit({ type: 'half-open', deploymentId: id });
    }
    return 'half-open';
  }

  /** The one place `until` changes, so benchedCount stays exact. */
  function setUntil(breaker: Breaker, until: number | undefined): void {
    if (breaker.until === undefined && until !== undefined) benchedCount += 1;
    else if (breaker.until !== undefined && until === undefined) benchedCount -= 1;
    breaker.until = until;
  }

  function bench(id: string, breaker: Breaker, until: number, reason: BenchReason): CooldownEvent {
    setUntil(breaker, until);
    breaker.halfOpenAnnounced = false;
    breaker.probeInFlight = false;
    const event: CooldownEvent = { type: 'bench', deploymentId: id, until, reason };
    emit(event);
    return event;
  }

  return {
    isAvailable(id) {
      const breaker = breakers.get(id);
      const state = observe(id, breaker);
      if (state === 'half-open') return breaker?.probeInFlight !== true;
      return state === 'closed';
    },

    hasBenches() {
      return benchedCount > 0;
    },

    forget(id) {
      const breaker = breakers.get(id);
      if (breaker !== undefined) setUntil(breaker, undefined);
      breakers.delete(id);
    },

    onAttemptStart(id) {
      const breaker = breakers.get(id);
      if (breaker !== undefined && observe(id, breaker) === 'half-open') {
        breaker.probeInFlight = true;
      }
    },

    recordSuccess(deployment) {
      if (disabled) return;
      const id = deployment.id;
      const breaker = breakerFor(id);
      const state = observe(id, breaker);
      breaker.probeInFlight = false;
      if (state === 'half-open') {
        // The deployment answered after its bench: it is healthy again, and the failures that
        // benched it must not count towards the next verdict.
        setUntil(breaker, undefined);
        breaker.window.reset();
        emit({ type: 'close', deploymentId: id });
        return;
      }
      // While open, a late success (sent before the bench) is counted but does not cut the
      // bench short: the failures that caused it are more recent evidence.
      breaker.window.recordSuccess(clock.now());
    },

    recordFailure(deployment, error, groupSize) {
      const id = deployment.id;
      if (!error.policy.cooldown) {
        // The request was at fault, not the deployment: the probe ends with no verdict.
        const breaker = breakers.get(id);
        if (breaker !== undefined) breaker.probeInFlight = false;
        return undefined;
      }
      if (disabled) return undefined;
      const now = clock.now();
      const breaker = breakerFor(id);
      const state = observe(id, breaker);
      breaker.probeInFlight = false;
      breaker.window.recordFailure(now, allowedFailsKey(error.kind));
      const length = benchLengthMs(deployment, error, options.cooldownTimeMs);
      if (length <= 0) return undefined;

      if (state === 'open') {
        const until = Math.max(breaker.until ?? now, now + length);
        if (until === breaker.until) return undefined;
        return bench(id, breaker, until, 'failed_while_benched');
      }
      if (state === 'half-open') return bench(id, breaker, now + length, 'probe_failed');

      const reason = benchReason({
        error,
        groupSize,
        window: breaker.window,
        nowMs: now,
        allowedFails: options.allowedFails,
        allowedFailsPolicy: options.allowedFailsPolicy,
      });
      return reason === undefined ? undefined : bench(id, breaker, now + length, reason);
    },

    onAttemptAbandoned(id) {
      const breaker = breakers.get(id);
      if (breaker !== undefined) breaker.probeInFlight = false;
    },

    state(id) {
      return observe(id, breakers.get(id));
    },

    benchedUntil(id) {
      const until = breakers.get(id)?.until;
      return until !== undefined && clock.now() < until ? until : undefined;
    },

    onEvent(listener) {
      // A wrapper, so subscribing the same function twice yields two independent subscriptions.
      const entry = (event: CooldownEvent): void => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },

    reviewCounts(deployment, groupSize) {
      const id = deployment.id;
      const breaker = breakers.get(id);
      if (disabled || breaker === undefined || observe(id, breaker) !== 'closed') return undefined;
      const length = deployment.cooldownTimeMs ?? options.cooldownTimeMs;
      if (length <= 0) return undefined;
      const now = clock.now();
      const reason = countsBenchReason({
        groupSize,
        window: breaker.window,
        nowMs: now,
        allowedFails: options.allowedFails,
        allowedFailsPolicy: options.allowedFailsPolicy,
      });
      return reason === undefined ? undefined : bench(id, breaker, now + length, reason);
    },

    applyRemote(event) {
      if (disabled || event.type !== 'bench' || !Number.isFinite(event.until)) return;
      if (event.until <= clock.now()) return;
      const breaker = breakerFor(event.deploymentId);
      if (breaker.until !== undefined && breaker.until >= event.until) return;
      setUntil(breaker, event.until);
      breaker.halfOpenAnnounced = false;
      breaker.probeInFlight = false;
    },
  };
}

function validate(options: CooldownOptions, windowMs: number): void {
  const check = (name: string, value: number | undefined, allowZero: boolean): void => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      const bound = allowZero ? '≥ 0' : '> 0';
      throw new RangeError(`cooldown ${name} must be a finite number ${bound}, got ${value}`);
    }
  };
  check('cooldownTimeMs', options.cooldownTimeMs, true);
  check('allowedFails', options.allowedFails, true);
  check('windowMs', windowMs, false);
}
