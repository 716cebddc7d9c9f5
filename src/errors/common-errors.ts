import { GatewayError } from './gateway-error.ts';

/** Longest slice of a client's model name echoed back in an error message. */
const MAX_ECHOED_MODEL_CHARS = 200;

/**
 * LiteLLM's 400 for a model no group serves (its wording, so clients and runbooks that match on
 * it keep working), listing the groups that exist. Raised by the server before routing and by
 * the router for library callers.
 */
export function unknownModelError(model: string, groups: readonly string[]): GatewayError {
  const shown =
    model.length > MAX_ECHOED_MODEL_CHARS ? `${model.slice(0, MAX_ECHOED_MODEL_CHARS)}…` : model;
  return new GatewayError(
    'BadRequestError',
    `Invalid model name passed in model=${shown}. Call /v1/models to view available models for your key. Available: ${groups.join(', ')}`,
    { param: 'model' },
  );
}

/**
 * Every deployment of the group is unavailable (benched, over its limits, or none configured).
 * LiteLLM's wording; `retryAfterMs` (when one bench will end) becomes the `retry-after` header.
 */
export function noDeploymentsError(group: string, retryAfterMs: number | undefined): GatewayError {
  const wait =
    retryAfterMs === undefined ? '' : ` Try again in ${Math.ceil(retryAfterMs / 1000)} seconds.`;
  return new GatewayError(
    'NoDeploymentsAvailableError',
    `No deployments available for selected model,${wait} Passed model=${group}.`,
    retryAfterMs === undefined ? {} : { retryAfterMs },
  );
}

/**
 * The request's caller went away before the answer (see ClientClosedRequest); whatever the
 * attempt under way failed with is kept as the cause.
 */
export function clientClosedError(cause: unknown): GatewayError {
  return new GatewayError(
    'ClientClosedRequest',
    'The client closed the connection (or aborted the request) before the answer',
    { cause },
  );
}
