import type { RouterSettings } from '../config/plan.ts';
import { delay, type Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody } from '../core/openai-types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import { noDeploymentsError } from '../errors/common-errors.ts';
import { toGatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import { retryBudget, retryDelayMs } from '../resilience/retry.ts';
import type { PickContext, RoutingStrategy } from '../routing/strategy.ts';
import { selectDeployment, type SelectableGroup } from './candidates.ts';
import { numRetriesFor } from './request-settings.ts';

/** What the router built once and every group run reads. */
export interface RouterCore {
  readonly settings: RouterSettings;
  readonly clock: Clock;
  readonly random: () => number;
  readonly strategy: RoutingStrategy;
  /** The provider for this deployment and body (the mock when the body asks for one). */
  providerFor(deployment: Deployment, body: GatewayRequestBody): Provider;
  /** api_base without credentials, for the response headers. */
  shownApiBase(deploymentId: string): string | undefined;
}

export interface GroupRun<T> {
  readonly target: SelectableGroup;
  readonly body: GatewayRequestBody;
  readonly meta: ResponseMeta;
  readonly signal: AbortSignal | undefined;
  /** One try on one deployment. */
  readonly attempt: (deployment: Deployment, provider: Provider) => Promise<T>;
}

/**
 * Serves one group: select, try, and on failure retry while the error's budget allows,
 * preferring deployments this request has not tried yet. Throws the last error when the
 * budget is spent; fallbacks are the caller's business.
 */
export async function runGroup<T>(core: RouterCore, run: GroupRun<T>): Promise<T> {
  const { target, body, meta, signal } = run;
  const groupName = target.group.name;
  const numRetries = numRetriesFor(body, core.settings);
  const retryPolicy =
    core.settings.modelGroupRetryPolicy.get(groupName) ?? core.settings.retryPolicy;
  meta.maxRetries = numRetries;
  const tried = new Set<string>();
  for (let retriesDone = 0; ; retriesDone += 1) {
    const context: PickContext = { random: core.random, now: core.clock.now() };
    const deployment = selectDeployment(target, tried, core.strategy, context);
    if (!deployment) throw noDeploymentsError(groupName);
    meta.deploymentId = deployment.id;
    meta.apiBase = core.shownApiBase(deployment.id);
    const started = core.clock.now();
    try {
      const value = await run.attempt(deployment, core.providerFor(deployment, body));
      meta.upstreamMs += core.clock.now() - started;
      return value;
    } catch (thrown) {
      meta.upstreamMs += core.clock.now() - started;
      const error = toGatewayError(thrown);
      if (signal?.aborted) throw error;
      tried.add(deployment.id);
      if (retriesDone >= retryBudget(error, numRetries, retryPolicy)) throw error;
      const wait = retryDelayMs({
        retriesDone,
        error,
        switchesDeployment: tried.size < target.group.deployments.length,
        minDelayMs: core.settings.retryAfterMs,
        random: core.random,
      });
      if (wait > 0) await delay(core.clock, wait, signal);
      meta.attemptedRetries += 1;
    }
  }
}
