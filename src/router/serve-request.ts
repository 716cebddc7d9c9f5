import type { CancelSignal } from '../core/cancellation.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import type { ErrorKind } from '../errors/error-table.ts';
import type { Provider } from '../providers/provider.ts';
import type { SelectableGroup } from './candidates.ts';
import { clientFallbacks, configuredFallbacks, type FallbackTarget } from './fallback-plan.ts';
import { runGroup, timeLeft, type RouterCore } from './group-runner.ts';
import type { AttemptSummary } from './observe.ts';
import type { RouteOptions } from './types.ts';

export interface RequestRun<T> {
  readonly operation: Operation;
  readonly body: GatewayRequestBody;
  /** The client's request headers (lower-case names), for filters that read routing hints. */
  readonly headers: RouteOptions['headers'];
  readonly meta: ResponseMeta;
  readonly signal: CancelSignal | undefined;
  /** The group the client asked for (the caller has already answered an unknown name). */
  readonly primary: SelectableGroup;
  /** The group named `name`, or the single deployment whose id it is. */
  readonly resolve: (name: string) => SelectableGroup | undefined;
  /** When the whole request must be over (epoch ms); undefined = no cap. */
  readonly deadlineAt: number | undefined;
  /** Streams leave success to their supervisor (see GroupRun.deferSuccess). */
  readonly deferSuccess: boolean;
  /** Input tokens, counted once per request when tpm limits or usage-based routing need them. */
  readonly inputTokens: number | undefined;
  /** What a successful attempt's value tells observers. */
  readonly summarize: (value: T) => AttemptSummary;
  /** One try of `body` on one deployment, allowed at most `maxMs` when a deadline applies. */
  readonly attempt: (
    body: GatewayRequestBody,
    deployment: Deployment,
    provider: Provider,
    maxMs: number | undefined,
  ) => Promise<T>;
}

/**
 * Serves a request: the asked-for group with its retries, then, when it fails, its fallbacks
 * (serveFallbacks).
 */
export async function serveRequest<T>(core: RouterCore, run: RequestRun<T>): Promise<T> {
  const { body, signal, primary } = run;
  const fallbacksOff = body.disable_fallbacks === true;
  const fromClient = fallbacksOff
    ? undefined
    : clientFallbacks(body, (name) => run.resolve(name) !== undefined);
  try {
    throwTestingHook(body, primary.group.name);
    return await runGroup(core, {
      target: primary,
      operation: run.operation,
      headers: run.headers,
      body,
      meta: run.meta,
      signal,
      deadlineAt: run.deadlineAt,
      deferSuccess: run.deferSuccess,
      inputTokens: run.inputTokens,
      requestedGroup: primary.group.name,
      summarize: run.summarize,
      attempt: bind(run, body),
    });
  } catch (thrown) {
    const primaryError = toGatewayError(thrown);
    if (fallbacksOff || signal?.aborted) throw primaryError;
    return serveFallbacks(core, run, primaryError, fromClient);
  }
}

/**
 * After `run.primary` failed with `primaryError`: each fallback group with its own retries, at
 * most `max_fallbacks` of them, never one group twice, none after the deadline. When every one
 * fails the client gets the primary's error (its status), naming what was tried. Also used to
 * continue a stream that broke after its commit point (mid_stream_fallback).
 */
export async function serveFallbacks<T>(
  core: RouterCore,
  run: RequestRun<T>,
  primaryError: GatewayError,
  fromClient: readonly FallbackTarget[] | undefined,
): Promise<T> {
  const { body, meta, signal, primary } = run;
  const targets = fallbackTargets(fromClient, primary.group.name, primaryError, core);
  const tried = new Set([primary.group.name]);
  const failures: string[] = [];
  for (const target of targets) {
    if (meta.attemptedFallbacks >= core.settings.maxFallbacks) break;
    const left = timeLeft(core, run.deadlineAt);
    if (left !== undefined && left <= 0) break;
    const group = run.resolve(target.name);
    if (!group || tried.has(target.name)) continue;
    tried.add(target.name);
    meta.attemptedFallbacks += 1;
    meta.group = group.group.name;
    const fallbackBody = target.overrides ? { ...body, ...target.overrides } : body;
    try {
      const value = await runGroup(core, {
        target: group,
        operation: run.operation,
        headers: run.headers,
        body: fallbackBody,
        meta,
        signal,
        deadlineAt: run.deadlineAt,
        deferSuccess: run.deferSuccess,
        inputTokens: run.inputTokens,
        requestedGroup: body.model,
        summarize: run.summarize,
        attempt: bind(run, fallbackBody),
      });
      emitFallback(core, body.model, group.group.name, true);
      return value;
    } catch (thrown) {
      const error = toGatewayError(thrown);
      emitFallback(core, body.model, group.group.name, false);
      failures.push(`${target.name} (${error.kind})`);
      if (signal?.aborted) break;
    }
  }
  // The name the client sent (a wildcard-derived group is named by its pattern).
  meta.group = body.model;
  throw failures.length === 0 ? primaryError : withFallbacksTried(primaryError, failures);
}

function emitFallback(
  core: RouterCore,
  requestedGroup: string,
  fallbackGroup: string,
  ok: boolean,
): void {
  if (core.events.has('fallback'))
    core.events.emit('fallback', { requestedGroup, fallbackGroup, ok });
}

function bind<T>(run: RequestRun<T>, body: GatewayRequestBody) {
  return (deployment: Deployment, provider: Provider, maxMs: number | undefined): Promise<T> =>
    run.attempt(body, deployment, provider, maxMs);
}

function fallbackTargets(
  fromClient: readonly FallbackTarget[] | undefined,
  group: string,
  error: GatewayError,
  core: RouterCore,
): readonly FallbackTarget[] {
  // A malformed request fails the same way everywhere: no fallback can help it.
  if (error.policy.fallback === 'none') return [];
  return fromClient ?? configuredFallbacks(group, error, core.settings);
}

/**
 * LiteLLM's testing hooks: a body flag makes the primary group fail with that error, without
 * calling (or benching) any deployment, so operators can prove a fallback chain safely.
 */
function throwTestingHook(body: GatewayRequestBody, group: string): void {
  const hook = testingHook(body);
  if (hook === undefined) return;
  const [flag, kind] = hook;
  throw new GatewayError(
    kind,
    `litellm.${kind}: This is a mock exception for model group ${group} (${flag}), to test fallbacks`,
  );
}

/**
 * The flag set and its error. Read by name, not as `body[flag]` over a list: a client's bodies
 * share one shape, so each named read is served by its own inline cache, where the keyed read in
 * a loop saw five names and took V8's megamorphic lookup for each, on every request.
 */
function testingHook(body: GatewayRequestBody): readonly [string, ErrorKind] | undefined {
  if (body.mock_testing_fallbacks === true) {
    return ['mock_testing_fallbacks', 'InternalServerError'];
  }
  if (body.mock_testing_context_fallbacks === true) {
    return ['mock_testing_context_fallbacks', 'ContextWindowExceededError'];
  }
  if (body.mock_testing_content_policy_fallbacks === true) {
    return ['mock_testing_content_policy_fallbacks', 'ContentPolicyViolationError'];
  }
  if (body.mock_testing_rate_limit_error === true) {
    return ['mock_testing_rate_limit_error', 'RateLimitError'];
  }
  if (body.mock_timeout === true) {
    return ['mock_timeout', 'Timeout'];
  }
  return undefined;
}

function withFallbacksTried(error: GatewayError, failures: readonly string[]): GatewayError {
  return new GatewayError(error.kind, `${error.message}. Fallbacks tried: ${failures.join(', ')}`, {
    param: error.param ?? undefined,
    retryAfterMs: error.retryAfterMs,
    upstreamStatus: error.upstreamStatus,
    deploymentId: error.deploymentId,
    cause: error,
  });
}
