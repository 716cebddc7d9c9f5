/** Test support: the ProviderRequest a codec or provider test sends. Imported by tests only. */
import type { Deployment } from '../../core/deployment.ts';
import type { GatewayRequestBody } from '../../core/openai-types.ts';
import type { ProviderRequest } from '../provider.ts';

/** A `chat` request of `body` to `deployment`, never aborted; `overrides` replace any field. */
export function providerRequest(
  deployment: Deployment,
  body: GatewayRequestBody,
  overrides: Partial<ProviderRequest> = {},
): ProviderRequest {
  return {
    operation: 'chat',
    deployment,
    body,
    signal: new AbortController().signal,
    ...overrides,
  };
}
