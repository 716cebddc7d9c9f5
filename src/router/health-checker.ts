import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { SharedHealthResult } from '../state/state-store.ts';
import type { HealthSharing } from './shared-health.ts';
import type { HealthEndpoint, HealthReport } from './types.ts';

export interface HealthCheckerOptions {
  /** Every deployment of the plan; those with `model_info.disable_background_health_check` are not probed. */
  readonly deployments: readonly Deployment[];
  /** One probe (health-probe.ts); must not throw: a failure is reported as the endpoint's error. */
  readonly probe: (deployment: Deployment, signal: AbortSignal) => Promise<HealthEndpoint>;
  readonly clock: Clock;
  /** Time between the end of one run and the start of the next, in ms (`health_check_interval`). */
  readonly intervalMs: number;
  /**
   * Shares rounds with other instances (shared-health.ts): a round runs only on the instance
   * that claims it, the others apply its published results. Needs `describe`. Default: none,
   * every instance checks for itself.
   */
  readonly sharing?: HealthSharing | undefined;
  /** The endpoint a probe of `deployment` reports, without error: for shared results. */
  readonly describe?: ((deployment: Deployment) => HealthEndpoint) | undefined;
}

/**
 * Background health checks (`background_health_checks`): every deployment is probed, all at
 * once, every `intervalMs`; the latest result of each is kept with its time. `GET /health`
 * answers from those results instead of calling every model per request. With `sharing`, one
 * instance per interval runs the round and every instance keeps the results.
 */
export interface HealthChecker {
  /** Runs a check now, then one every interval after the previous ends. Idempotent. */
  start(): void;
  /** Cancels the next run and aborts probes under way; resolves once none is left. Idempotent. */
  stop(): Promise<void>;
  /**
   * The latest results, each with `last_checked_at` (ISO 8601) and `age_seconds`. Before the
   * first run has completed, waits for one (starting it when none is under way).
   */
  report(): Promise<HealthReport>;
  /**
   * False while the deployment's latest check failed, that result is no older than two
   * intervals, and its group has a deployment that did not fail. One Map lookup.
   */
  isRoutable(deploymentId: string): boolean;
}

interface CheckResult {
  readonly endpoint: HealthEndpoint;
  /** When the probe ended, epoch ms. */
  readonly checkedAt: number;
}

export function createHealthChecker(options: HealthCheckerOptions): HealthChecker {
  const { deployments, probe, clock, intervalMs, sharing, describe } = options;
  const checked = deployments.filter((d) => d.info.disable_background_health_check !== true);
  const checkedById = new Map(checked.map((deployment) => [deployment.id, deployment]));
  const staleAfterMs = 2 * intervalMs;
  const results = new Map<string, CheckResult>();
  /** Deployments selection should skip, with the time of the failed check. */
  let skipped = new Map<string, number>();
  let completedRuns = 0;
  let running: Promise<void> | undefined;
  let cancelTimer: (() => void) | undefined;
  let started = false;
  let stopped = false;
  const controller = new AbortController();
  let offShared: (() => void) | undefined;

  /** Applies another instance's results that are newer than ours; true when any was. */
  function applyShared(shared: readonly SharedHealthResult[]): boolean {
    let applied = false;
    for (const { deploymentId, checkedAt, error } of shared) {
      const deployment = checkedById.get(deploymentId);
      if (deployment === undefined || describe === undefined || stopped) continue;
      if ((results.get(deploymentId)?.checkedAt ?? 0) >= checkedAt) continue;
      const endpoint = describe(deployment);
      results.set(deploymentId, {
        endpoint: error === undefined ? endpoint : { ...endpoint, error },
        checkedAt,
      });
      applied = true;
    }
    if (applied) {
      skipped = unroutable(deployments, results);
      completedRuns += 1;
    }
    return applied;
  }

  /**
   * One round: probes when this instance claims it (or `local`, or nothing is shared), then
   * publishes the results; otherwise the claiming instance's results arrive by announcement.
   */
  async function round(local: boolean): Promise<void> {
    if (sharing !== undefined && !local && !(await sharing.claimRound())) {
      if (completedRuns === 0) applyShared(await sharing.load());
      return;
    }
    const before = completedRuns;
    await probeAll();
    if (sharing === undefined || completedRuns === before) return;
    sharing.publish(
      checked.flatMap((deployment) => {
        const result = results.get(deployment.id);
        return result === undefined
          ? []
          : [
              {
                deploymentId: deployment.id,
                checkedAt: result.checkedAt,
                error: result.endpoint.error,
              },
            ];
      }),
    );
  }

  async function probeAll(): Promise<void> {
    const outcomes = await Promise.all(
      checked.map(async (deployment) => {
        const endpoint = await probe(deployment, controller.signal);
        return { deployment, endpoint, checkedAt: clock.now() };
      }),
    );
    // A probe cut by stop() says nothing about the deployment: keep the previous results.
    if (controller.signal.aborted) return;
    for (const { deployment, endpoint, checkedAt } of outcomes) {
      results.set(deployment.id, { endpoint, checkedAt });
    }
    skipped = unroutable(deployments, results);
    completedRuns += 1;
  }

  function runNow(local = false): Promise<void> {
    running ??= round(local).finally(() => {
      running = undefined;
      scheduleNext();
    });
    return running;
  }

  function scheduleNext(): void {
    if (!started || stopped || cancelTimer) return;
    cancelTimer = clock.setTimer(() => {
      cancelTimer = undefined;
      void runNow();
    }, intervalMs);
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      offShared = sharing?.subscribe((shared) => void applyShared(shared));
      void runNow();
    },

    async stop() {
      stopped = true;
      offShared?.();
      cancelTimer?.();
      cancelTimer = undefined;
      controller.abort();
      await running;
    },

    async report() {
      if (completedRuns === 0 && !stopped) await runNow();
      // Nobody has published a round yet (the claiming instance is still probing, or died):
      // answer from a check of our own rather than with nothing.
      if (completedRuns === 0 && !stopped) await runNow(true);
      const now = clock.now();
      const healthy: HealthEndpoint[] = [];
      const unhealthy: HealthEndpoint[] = [];
      for (const deployment of checked) {
        const result = results.get(deployment.id);
        if (!result) continue;
        const endpoint: HealthEndpoint = {
          ...result.endpoint,
          last_checked_at: new Date(result.checkedAt).toISOString(),
          age_seconds: Math.max(0, Math.floor((now - result.checkedAt) / 1000)),
        };
        (endpoint.error === undefined ? healthy : unhealthy).push(endpoint);
      }
      return {
        healthy_endpoints: healthy,
        unhealthy_endpoints: unhealthy,
        healthy_count: healthy.length,
        unhealthy_count: unhealthy.length,
      };
    },

    isRoutable(deploymentId) {
      const failedAt = skipped.get(deploymentId);
      return failedAt === undefined || clock.now() - failedAt > staleAfterMs;
    },
  };
}

/**
 * The deployments whose latest check failed, in groups that keep at least one that did not
 * (healthy, or not checked at all): when a whole group fails its checks, traffic still flows to
 * it, as LiteLLM's safety net does, and cooldowns judge it by real requests.
 */
function unroutable(
  deployments: readonly Deployment[],
  results: ReadonlyMap<string, CheckResult>,
): Map<string, number> {
  const byGroup = new Map<string, Deployment[]>();
  for (const deployment of deployments) {
    const members = byGroup.get(deployment.group);
    if (members) members.push(deployment);
    else byGroup.set(deployment.group, [deployment]);
  }
  const skip = new Map<string, number>();
  for (const members of byGroup.values()) {
    const failed = members.filter((d) => results.get(d.id)?.endpoint.error !== undefined);
    if (failed.length === members.length) continue;
    for (const deployment of failed) {
      skip.set(deployment.id, results.get(deployment.id)?.checkedAt ?? 0);
    }
  }
  return skip;
}
