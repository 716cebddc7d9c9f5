/**
 * Region restriction: a request that names an allowed region (LiteLLM's body field
 * `allowed_model_region`, or the `x-switchyard-allowed-region` header) is served only by
 * deployments whose `region_name` is in it (see regions.ts). Applies whenever a request asks,
 * with or without `enable_pre_call_checks`: a residency requirement must never be ignored
 * because of an unrelated setting. A request that asks nothing pays two property reads.
 */
import type { Deployment } from '../../core/deployment.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Admission, CandidateFilter, FilterRequest } from '../candidate-filter.ts';
import { regionAllows } from './regions.ts';

/** The body field, LiteLLM's name. Never sent upstream (GATEWAY_ONLY_FIELDS). */
export const REGION_FIELD = 'allowed_model_region';
/** The header, for callers that cannot change the body (an API gateway in front, say). */
export const REGION_HEADER = 'x-switchyard-allowed-region';

export function createRegionFilter(): CandidateFilter {
  return {
    name: 'region',
    admissionFor(request) {
      const fromBody = request.body[REGION_FIELD];
      const fromHeader = request.headers?.[REGION_HEADER];
      if (fromBody === undefined && fromHeader === undefined) return undefined;
      const wanted = wantedRegions(fromBody, fromHeader);
      return wanted.length === 0 ? undefined : regionAdmission(request, wanted);
    },
  };
}

/**
 * The regions a request asks for, lower case. Both sources apply when both are given (a
 * deployment must satisfy each), so neither can widen what the other allows.
 */
function wantedRegions(fromBody: unknown, fromHeader: string | string[] | undefined): string[] {
  const wanted: string[] = [];
  if (fromBody !== undefined && fromBody !== null) {
    if (typeof fromBody !== 'string' || fromBody.trim() === '') {
      throw new GatewayError(
        'BadRequestError',
        `${REGION_FIELD} must be a region such as "eu" or "us", or a deployment region_name`,
        { param: REGION_FIELD },
      );
    }
    wanted.push(fromBody.trim().toLowerCase());
  }
  const header = Array.isArray(fromHeader) ? fromHeader[0] : fromHeader;
  if (header !== undefined && header.trim() !== '') wanted.push(header.trim().toLowerCase());
  return wanted;
}

function regionAdmission(request: FilterRequest, wanted: readonly string[]): Admission {
  const admits = (deployment: Deployment) =>
    wanted.every((region) => regionAllows(deployment.region, region));
  return {
    admits,
    rejection() {
      const { group } = request;
      // Some deployment is in the region but benched: the all-benched 429 is the answer.
      if (group.deployments.some(admits)) return undefined;
      const regions = [...new Set(group.deployments.map((d) => d.region ?? 'unknown'))];
      return new GatewayError(
        'BadRequestError',
        `No deployment of model group ${group.name} is in region ${wanted.join(' and ')} ` +
          `(${REGION_FIELD}); its deployments' regions: ${regions.join(', ')}`,
        { param: REGION_FIELD },
      );
    },
  };
}
