import type { CancelSignal } from '../core/cancellation.ts';
import type { RouterSettings } from '../config/plan.ts';
import { delay, type Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import { noDeploymentsError } from '../errors/common-errors.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import type { CooldownTracker } from '../resilience/cooldown.ts';
import type { RouterEvents } from '../core/router-events.ts';
import { attemptError, emitBench, type AttemptSummary } from './observe.ts';
import type { Provider } from '../providers/provider.ts';
import { retryBudget, retryDelayMs, retryFloorMs } from '../resilience/retry.ts';
import type { PickContext, RoutingStrategy } from '../routing/strategy.ts';
import type { RoutingStats } from '../core/routing-stats.ts';
import type { AttemptTracker } from './attempt-tracker.ts';
import { queueForSlot } from './slot-queue.ts';
import { selectDeployment, type SelectableGroup } from './candidates.ts';
import {
  admissionsFor,
  rejectionOf,
  soonestReadmission,
  type Admission,
  type CandidateFilter,
  type FilterRequest,
} from './candidate-filter.ts';
import { numRetriesFor } from './request-settings.ts';

/** What the router built once and every group run reads. */
export interface RouterCore {
  readonly settings: RouterSettings;
  readonly clock: Clock;
  readonly random: () => number;
  readonly strategy: RoutingStrategy;
  readonly cooldown: CooldownTracker;
  /** `cooldown.isAvailable`, bound once. */
  readonly isAvailable: (deploymentId: string) => boolean;
  /** True when isAvailable() holds for every deployment right now (nothing benched). */
  readonly allAvailable: () => boolean;
  /** The provider for this deployment and body (the mock when the body asks for one). */
  providerFor(deployment: Deployment, body: GatewayRequestBody): Provider;
  /** api_base without credentials, for the response headers. */
  shownApiBase(deployment: Deployment): string | undefined;
  /** How many deployments the group `name` has (cooldown rules depend on it). */
  groupSize(name: string): number;
  readonly events: RouterEvents;
  /** Pre-call checks and limits, in order (see candidate-filter.ts). Often empty. */
  readonly filters: readonly CandidateFilter[];
  /** Feeds routing state (in-flight, usage, latency, slots); undefined when nothing is tracked. */
  readonly tracker: AttemptTracker | undefined;
  /** What strategies read: the tracker's stats, or NO_STATS. */
  readonly stats: RoutingStats;
}

export interface GroupRun<T> {
  readonly target: SelectableGroup;
  readonly operation: Operation;
  readonly body: GatewayRequestBody;
  /** The client's request headers, for filters that read routing hints. */
  readonly headers: FilterRequest['headers'];
  readonly meta: ResponseMeta;
  readonly signal: CancelSignal | undefined;
  /** When the whole request must be over (epoch ms, `overall_timeout`); undefined = no cap. */
  readonly deadlineAt: number | undefined;
  /**
   * True for streams: a success is only known when the stream ends, so the verdict is left to
   * the stream's supervisor instead of being recorded at the commit point.
   */
  readonly deferSuccess: boolean;
  /** The group the client asked for (observers label by it). */
  readonly requestedGroup: string;
  /** Input tokens counted up front (tpm limits, usage-based routing); undefined = not counted. */
  readonly inputTokens: number | undefined;
  /** What a successful attempt's value tells observers. */
  readonly summarize: (value: T) => AttemptSummary;
  /** One try on one deployment, allowed at most `maxMs` (the time left before the deadline). */
  readonly attempt: (
    deployment: Deployment,
    provider: Provider,
    maxMs: number | undefined,
  ) => Promise<T>;
}

/**
 * Serves one group: select, try, and on failure retry while the error's budget allows,
 * preferring deployments this request has not tried and never offering a benched one. Every
 * outcome is reported to the cooldown tracker. Throws the last error when the budget is spent
 * (or the error itself when nothing else is available); fallbacks are the caller's business.
 */
export async function runGroup<T>(core: RouterCore, run: GroupRun<T>): Promise<T> {
  const { target, body, meta, signal } = run;
  const { cooldown, tracker } = core;
  const groupName = target.group.name;
  // A client's mock_response answers without touching the deployment: no verdict on it.
  const judged = typeof body.mock_response !== 'string';
  const numRetries = numRetriesFor(body, core.settings);
  const retryPolicy =
    core.settings.modelGroupRetryPolicy.get(groupName) ?? core.settings.retryPolicy;
  meta.maxRetries = numRetries;
  const tried = new Set<string>();
  const admissions =
    core.filters.length === 0
      ? undefined
      : admissionsFor(core.filters, {
          operation: run.operation,
          body,
          headers: run.headers,
          group: target.group,
          inputTokens: run.inputTokens,
        });
  let deployment = pick(core, target, tried, admissions, run);
  // Every deployment with room is taken: wait briefly for a slot rather than fail at once.
  let slotHeld = false;
  if (!deployment && tracker?.concurrency && admissions) {
    deployment = await queueForSlot(core, tracker.concurrency, target, admissions, run);
    slotHeld = deployment !== undefined;
  }
  if (!deployment) throw nothingSelectable(core, target, admissions);
  for (let retriesDone = 0; ;) {
    const maxMs = timeLeft(core, run.deadlineAt);
    if (maxMs !== undefined && maxMs <= 0) throw overallTimeout(groupName);
    meta.deploymentId = deployment.id;
    meta.apiBase = core.shownApiBase(deployment);
    if (judged) cooldown.onAttemptStart(deployment.id);
    const stream = run.deferSuccess;
    if (core.events.has('attempt:start')) core.events.emit('attempt:start', { deployment, stream });
    tracker?.started(deployment, run.inputTokens ?? 0, slotHeld);
    slotHeld = false;
    const started = core.clock.now();
    let error: GatewayError;
    try {
      const value = await run.attempt(deployment, core.providerFor(deployment, body), maxMs);
      const latencyMs = core.clock.now() - started;
      meta.upstreamMs += latencyMs;
      if (judged && !run.deferSuccess) cooldown.recordSuccess(deployment);
      const observed = core.events.has('attempt:end');
      const summary = observed || tracker ? run.summarize(value) : undefined;
      if (tracker && summary) tracker.succeeded(deployment, stream, latencyMs, summary, judged);
      if (observed && summary) {
        core.events.emit('attempt:end', {
          deployment,
          stream,
          latencyMs,
          error: undefined,
          upstreamHeaders: summary.upstreamHeaders,
          completionTokens: summary.completionTokens,
          requestedGroup: run.requestedGroup,
        });
      }
      return value;
    } catch (thrown) {
      const latencyMs = core.clock.now() - started;
      meta.upstreamMs += latencyMs;
      error = toGatewayError(thrown);
      if (core.events.has('attempt:end')) {
        core.events.emit('attempt:end', {
          deployment,
          stream,
          latencyMs,
          error: attemptError(error),
          upstreamHeaders: undefined,
          completionTokens: undefined,
          requestedGroup: run.requestedGroup,
        });
      }
    }
    const budgetSpent =
      maxMs !== undefined && error.kind === 'Timeout' && (timeLeft(core, run.deadlineAt) ?? 1) <= 0;
    tracker?.failed(deployment, stream, error, judged && !signal?.aborted && !budgetSpent);
    if (signal?.aborted || budgetSpent || !judged) {
      // The client left, the request's own overall_timeout cut the attempt, or nothing real
      // was called: no verdict on the deployment.
      if (judged) cooldown.onAttemptAbandoned(deployment.id);
      if (signal?.aborted || budgetSpent) throw error;
    } else {
      const bench = cooldown.recordFailure(deployment, error, core.groupSize(deployment.group));
      emitBench(core.events, deployment, bench, error);
    }
    tried.add(deployment.id);
    if (retriesDone >= retryBudget(error, numRetries, retryPolicy)) throw error;
    const next = pick(core, target, tried, admissions, run);
    if (!next) throw error;
    const wait = retryDelayMs({
      retriesDone,
      error,
      switchesDeployment: !tried.has(next.id),
      minDelayMs: retryFloorMs(error, retryPolicy, core.settings.retryAfterMs),
      random: core.random,
    });
    retriesDone += 1;
    meta.attemptedRetries += 1;
    if (wait <= 0) {
      deployment = next;
      continue;
    }
    // A wait that would outlast the deadline is pointless: the real cause is the better answer.
    const left = timeLeft(core, run.deadlineAt);
    if (left !== undefined && wait >= left) throw error;
    await delay(core.clock, wait, signal);
    // Benches may have changed while we waited.
    deployment = pick(core, target, tried, admissions, run);
    if (!deployment) throw error;
  }
}

/** Milliseconds before the request's deadline, or undefined when it has none. */
export function timeLeft(core: RouterCore, deadlineAt: number | undefined): number | undefined {
  return deadlineAt === undefined ? undefined : deadlineAt - core.clock.now();
}

function overallTimeout(groupName: string): GatewayError {
  return new GatewayError(
    'Timeout',
    `litellm.Timeout: the request's overall_timeout passed before model group ${groupName} could answer`,
  );
}

/** The context of one pick: state as it is now, and what the strategy may know of the request. */
export function pickContext(
  core: RouterCore,
  run: Pick<GroupRun<unknown>, 'deferSuccess' | 'inputTokens'>,
): PickContext {
  return {
    random: core.random,
    now: core.clock.now(),
    stats: core.stats,
    stream: run.deferSuccess,
    inputTokens: run.inputTokens ?? 0,
  };
}

function pick<T>(
  core: RouterCore,
  target: SelectableGroup,
  tried: ReadonlySet<string>,
  admissions: readonly Admission[] | undefined,
  run: GroupRun<T>,
): Deployment | undefined {
  const context = pickContext(core, run);
  return selectDeployment(target, {
    tried,
    isAvailable: core.isAvailable,
    allAvailable: core.allAvailable(),
    strategy: core.strategy,
    context,
    admissions,
  });
}

/**
 * Nothing could be selected at the start of a group run: a filter's own error when it refused
 * every deployment that is not benched (e.g. none fits the context window), else the
 * all-benched 429.
 */
function nothingSelectable(
  core: RouterCore,
  target: SelectableGroup,
  admissions: readonly Admission[] | undefined,
): GatewayError {
  if (admissions !== undefined) {
    const available = target.group.deployments.filter((d) => core.isAvailable(d.id));
    if (available.length > 0) {
      const rejection = rejectionOf(admissions, available);
      if (rejection !== undefined) return rejection;
      // Several filters (and perhaps benches) left nothing between them: the 429 says when the
      // first of them lets a deployment back.
      return noneAvailable(core, target, soonestReadmission(admissions, available));
    }
  }
  return noneAvailable(core, target);
}

/**
 * Nothing selectable, every deployment benched or filtered: 429 with the wait until the first
 * bench ends or `readmittedInMs`, whichever is sooner.
 */
function noneAvailable(
  core: RouterCore,
  target: SelectableGroup,
  readmittedInMs?: number,
): GatewayError {
  const now = core.clock.now();
  let soonest = readmittedInMs === undefined ? Number.POSITIVE_INFINITY : now + readmittedInMs;
  for (const deployment of target.group.deployments) {
    const until = core.cooldown.benchedUntil(deployment.id);
    if (until !== undefined) soonest = Math.min(soonest, until);
  }
  const retryAfterMs = Number.isFinite(soonest) ? Math.max(soonest - now, 0) : undefined;
  return noDeploymentsError(target.group.name, retryAfterMs);
}
