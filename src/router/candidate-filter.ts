/**
 * The seam for per-request candidate filters: pre-call checks (context window, region) and
 * limits (rpm/tpm, max_parallel_requests). A filter looks at one request once per group it is
 * served by and answers with an admission (which deployments may take it), or with nothing
 * when it has no opinion on this request, so a gateway without such settings pays nothing.
 */
import type { ModelGroup } from '../config/plan.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

/** What a filter may read about the request being served. */
export interface FilterRequest {
  readonly operation: Operation;
  /** The body this group is asked (a fallback's overrides already applied). */
  readonly body: GatewayRequestBody;
  /** The client's request headers (lower-case names), when it came over HTTP. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>> | undefined;
  readonly group: ModelGroup;
  /**
   * The request's input tokens when the router counted them up front (tpm limits and
   * usage-based routing need them); undefined when nothing needed them counted.
   */
  readonly inputTokens?: number | undefined;
}

/** One filter's verdict on one request. */
export interface Admission {
  /** False drops the deployment for this request's attempts in this group. */
  admits(deployment: Deployment): boolean;
  /**
   * The error for the client when this filter left none of the group's available deployments
   * (e.g. ContextWindowExceededError, so context_window_fallbacks run; or a 429 with the
   * wait until a rate window frees). Undefined when the refusal is not the real cause, e.g. a
   * benched deployment would have been admitted: the all-benched 429 then explains it better.
   */
  rejection(): GatewayError | undefined;
}

export interface CandidateFilter {
  readonly name: string;
  /** This request's admission, or undefined when the filter does not apply to it. */
  admissionFor(request: FilterRequest): Admission | undefined;
}

/**
 * The admissions of every filter that applies to `request`, or undefined when none does (the
 * common case: no allocation).
 */
export function admissionsFor(
  filters: readonly CandidateFilter[],
  request: FilterRequest,
): readonly Admission[] | undefined {
  let admissions: Admission[] | undefined;
  for (const filter of filters) {
    const admission = filter.admissionFor(request);
    if (admission !== undefined) (admissions ??= []).push(admission);
  }
  return admissions;
}

/** True when every admission admits `deployment`. */
export function admitsAll(admissions: readonly Admission[], deployment: Deployment): boolean {
  for (const admission of admissions) if (!admission.admits(deployment)) return false;
  return true;
}

/**
 * When filters together left none of `available` though no single one refused them all: how
 * long, in ms, until the first of them is admitted again (the 429's retry-after). A deployment
 * comes back once every filter that turned it away lets it in, so it waits for the longest of
 * those waits; one turned away for good (a context window, a region) never comes back and
 * does not count. Undefined when none comes back by itself. A filter's wait is the one its
 * rejection gives, for all the deployments it refused.
 */
export function soonestReadmission(
  admissions: readonly Admission[],
  available: readonly Deployment[],
): number | undefined {
  // Only on the way to a 429: one rejection per filter, read once.
  const waits = admissions.map((admission) => admission.rejection()?.retryAfterMs);
  let soonest: number | undefined;
  for (const deployment of available) {
    let wait: number | undefined = 0;
    for (const [index, admission] of admissions.entries()) {
      if (admission.admits(deployment)) continue;
      const filterWait = waits[index];
      if (filterWait === undefined) {
        wait = undefined;
        break;
      }
      wait = Math.max(wait, filterWait);
    }
    if (wait !== undefined && (soonest === undefined || wait < soonest)) soonest = wait;
  }
  return soonest;
}

/**
 * Why nothing could be selected though some deployments were available: the rejection of the
 * first filter that admits none of `available`. Undefined when no single filter did it.
 */
export function rejectionOf(
  admissions: readonly Admission[],
  available: readonly Deployment[],
): GatewayError | undefined {
  for (const admission of admissions) {
    if (available.some((deployment) => admission.admits(deployment))) continue;
    const rejection = admission.rejection();
    if (rejection !== undefined) return rejection;
  }
  return undefined;
}
