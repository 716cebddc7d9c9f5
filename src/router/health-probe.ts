import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import { safeUrl } from '../core/redact.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import { toGatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import { sendAttempt } from './attempt.ts';
import type { HealthEndpoint } from './types.ts';

/** The cheapest real request for a deployment's mode: one token of chat, or one tiny embedding. */
function probeRequest(deployment: Deployment): { operation: Operation; body: GatewayRequestBody } {
  const model = deployment.group;
  switch (deployment.info.mode) {
    case 'embedding':
      return { operation: 'embedding', body: { model, input: 'ping' } };
    case 'completion':
      return { operation: 'completion', body: { model, prompt: 'ping', max_tokens: 1 } };
    default:
      return {
        operation: 'chat',
        body: { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
      };
  }
}

/**
 * One real minimal call to a deployment, bounded by `timeoutMs`. The answer names the
 * deployment by its LiteLLM model string and id, never by its key.
 */
export async function probeDeployment(
  deployment: Deployment,
  provider: Provider,
  options: { clock: Clock; timeoutMs: number },
): Promise<HealthEndpoint> {
  const endpoint = {
    model: `${deployment.provider}/${deployment.upstreamModel}`,
    model_name: deployment.group,
    model_id: deployment.id,
    api_base: safeUrl(deployment.apiBase),
  };
  const { operation, body } = probeRequest(deployment);
  try {
    await sendAttempt({
      provider,
      deployment,
      operation,
      body,
      clientSignal: undefined,
      clock: options.clock,
      timeoutMs: options.timeoutMs,
    });
    return endpoint;
  } catch (error) {
    return { ...endpoint, error: toGatewayError(error).message };
  }
}
