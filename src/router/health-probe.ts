import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import { safeUrl } from '../core/redact.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import { toGatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import { sendAttempt } from './attempt.ts';
import type { HealthEndpoint, HealthReport } from './types.ts';

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
 * The deployment as a probe calls it: `model_info.health_check_model` (LiteLLM's key, for
 * wildcard or costly deployments) replaces the upstream model. A `provider/` prefix naming the
 * deployment's own provider is dropped, as in `litellm_params.model`.
 */
function probeTarget(deployment: Deployment): Deployment {
  const model = deployment.info.health_check_model;
  if (typeof model !== 'string' || model === '') return deployment;
  const prefix = `${deployment.provider}/`;
  const upstreamModel = model.startsWith(prefix) ? model.slice(prefix.length) : model;
  return { ...deployment, upstreamModel };
}

export interface ProbeOptions {
  readonly clock: Clock;
  /** Bound on the whole probe, in ms (`health_check_timeout`). */
  readonly timeoutMs: number;
  /** Cancels the probe (a stopping health checker); it then reports the abort as its error. */
  readonly signal?: AbortSignal;
}

/**
 * What a probe of the deployment reports when it succeeds: its LiteLLM model string (the
 * health-check model when set), group, id and api_base without credentials. Instances rebuild
 * shared results from it, so only ids, times and errors travel between them.
 */
export function probeEndpoint(configured: Deployment): HealthEndpoint {
  const deployment = probeTarget(configured);
  return {
    model: `${deployment.provider}/${deployment.upstreamModel}`,
    model_name: deployment.group,
    model_id: deployment.id,
    api_base: safeUrl(deployment.apiBase),
  };
}

/**
 * One real minimal call to a deployment, bounded by `timeoutMs`. The answer names the
 * deployment by its LiteLLM model string and id, never by its key.
 */
export async function probeDeployment(
  configured: Deployment,
  provider: Provider,
  options: ProbeOptions,
): Promise<HealthEndpoint> {
  const deployment = probeTarget(configured);
  const endpoint = probeEndpoint(configured);
  const { operation, body } = probeRequest(deployment);
  try {
    await sendAttempt({
      provider,
      deployment,
      operation,
      body,
      clientSignal: options.signal,
      clock: options.clock,
      timeoutMs: options.timeoutMs,
    });
    return endpoint;
  } catch (error) {
    return { ...endpoint, error: toGatewayError(error).message };
  }
}

/** `GET /health` without background checks: every deployment probed now, concurrently. */
export async function probeAll(
  deployments: readonly Deployment[],
  probe: (deployment: Deployment) => Promise<HealthEndpoint>,
): Promise<HealthReport> {
  const results = await Promise.all(deployments.map(probe));
  const healthy = results.filter((result) => result.error === undefined);
  const unhealthy = results.filter((result) => result.error !== undefined);
  return {
    healthy_endpoints: healthy,
    unhealthy_endpoints: unhealthy,
    healthy_count: healthy.length,
    unhealthy_count: unhealthy.length,
  };
}
