import type { RouterSettings } from '../config/plan.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody } from '../core/openai-types.ts';

/**
 * Per-request overrides a client may send in the body (LiteLLM's names). Values are seconds on
 * the wire; anything that is not a positive finite number is ignored rather than trusted.
 */
function positiveSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value * 1000
    : undefined;
}

/** `timeout` / `request_timeout` for one attempt: request body → deployment → router, in ms. */
export function attemptTimeoutMs(
  body: GatewayRequestBody,
  deployment: Deployment,
  settings: RouterSettings,
): number {
  return (
    positiveSeconds(body.timeout) ??
    positiveSeconds(body.request_timeout) ??
    deployment.timeoutMs ??
    settings.timeoutMs
  );
}

/** Time to the first stream chunk: `stream_timeout` from body → deployment → router, else the attempt timeout. */
export function firstChunkTimeoutMs(
  body: GatewayRequestBody,
  deployment: Deployment,
  settings: RouterSettings,
): number {
  return (
    positiveSeconds(body.stream_timeout) ??
    deployment.streamTimeoutMs ??
    settings.streamTimeoutMs ??
    attemptTimeoutMs(body, deployment, settings)
  );
}

/** The whole request's budget: `overall_timeout` from the body, else the router's; in ms. */
export function overallTimeoutMs(
  body: GatewayRequestBody,
  settings: RouterSettings,
): number | undefined {
  return positiveSeconds(body.overall_timeout) ?? settings.overallTimeoutMs;
}

/** `num_retries` from the body when it is a non-negative integer, else the router's. */
export function numRetriesFor(body: GatewayRequestBody, settings: RouterSettings): number {
  const value = body.num_retries;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
    ? value
    : settings.numRetries;
}

/** LiteLLM answers any request carrying `mock_response` (in the body or the deployment) without calling upstream. */
export function wantsMock(body: GatewayRequestBody, deployment: Deployment): boolean {
  return deployment.mockResponse !== undefined || typeof body.mock_response === 'string';
}
