/**
 * Deployments' `rpm` / `tpm` as limits: a CandidateFilter that skips a deployment whose
 * current minute would go over either with this request (one more request; its input tokens
 * when they were counted), and the per-group figures behind the `x-ratelimit-*` headers.
 * When every available deployment is over, the client gets LiteLLM's 429 "No deployments
 * available" with `retry-after` until the minute window turns.
 */
import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { RateLimitSnapshot } from '../core/response-meta.ts';
import type { RouterPlan } from '../config/plan.ts';
import { noDeploymentsError } from '../errors/common-errors.ts';
import type { UsageTracker } from '../state/usage-window.ts';
import { WINDOW_MS } from '../state/usage-window.ts';
import type { CandidateFilter } from './candidate-filter.ts';

/** Deployments of each group that set rpm or tpm; groups without any are absent. */
export function limitedGroups(plan: RouterPlan): ReadonlyMap<string, readonly Deployment[]> {
  const groups = new Map<string, Deployment[]>();
  for (const deployment of plan.deployments.values()) {
    if (deployment.rpm === undefined && deployment.tpm === undefined) continue;
    const list = groups.get(deployment.group);
    if (list) list.push(deployment);
    else groups.set(deployment.group, [deployment]);
  }
  return groups;
}

/** True when `deployment` can take one more request of `inputTokens` in the minute of `now`. */
export function underLimits(
  usage: UsageTracker,
  deployment: Deployment,
  inputTokens: number,
  now: number,
): boolean {
  const { rpm, tpm, id } = deployment;
  if (rpm !== undefined && usage.requests(id, now) + 1 > rpm) return false;
  if (tpm !== undefined && usage.tokens(id, now) + inputTokens > tpm) return false;
  return true;
}

/** The rpm/tpm filter over `usage`; groups with no limited deployment are not touched. */
export function createRateLimitFilter(
  limited: ReadonlyMap<string, readonly Deployment[]>,
  usage: UsageTracker,
  clock: Clock,
): CandidateFilter {
  return {
    name: 'rpm/tpm',
    admissionFor(request) {
      if (!limited.has(request.group.name)) return undefined;
      const inputTokens = request.inputTokens ?? 0;
      return {
        admits: (deployment) => underLimits(usage, deployment, inputTokens, clock.now()),
        rejection: () => {
          const now = clock.now();
          return noDeploymentsError(request.group.name, WINDOW_MS - (now % WINDOW_MS));
        },
      };
    },
  };
}

/**
 * The group's limits and what is left of them this minute, summed over its deployments that
 * set each limit (LiteLLM's model-group `x-ratelimit-*` headers). Undefined for a group with
 * no limits.
 */
export function rateLimitSnapshot(
  deployments: readonly Deployment[] | undefined,
  usage: UsageTracker,
  now: number,
): RateLimitSnapshot | undefined {
  if (deployments === undefined) return undefined;
  let limitRequests: number | undefined;
  let remainingRequests = 0;
  let limitTokens: number | undefined;
  let remainingTokens = 0;
  for (const { id, rpm, tpm } of deployments) {
    if (rpm !== undefined) {
      limitRequests = (limitRequests ?? 0) + rpm;
      remainingRequests += Math.max(0, rpm - usage.requests(id, now));
    }
    if (tpm !== undefined) {
      limitTokens = (limitTokens ?? 0) + tpm;
      remainingTokens += Math.max(0, tpm - usage.tokens(id, now));
    }
  }
  return {
    limitRequests,
    remainingRequests: limitRequests === undefined ? undefined : remainingRequests,
    limitTokens,
    remainingTokens: limitTokens === undefined ? undefined : remainingTokens,
  };
}
