import type { Deployment } from '../core/deployment.ts';
import type { ResponseBody } from '../core/openai-types.ts';
import { GatewayError } from '../errors/gateway-error.ts';

/**
 * A 200 whose choice was cut by the provider's content filter, turned into a content-policy
 * error so `content_policy_fallbacks` can answer instead (only when the group has them).
 */
export function throwIfContentFiltered(body: ResponseBody, deployment: Deployment): void {
  const choices = body.choices;
  if (!Array.isArray(choices)) return;
  for (const choice of choices as unknown[]) {
    if ((choice as { finish_reason?: unknown } | null)?.finish_reason === 'content_filter') {
      throw new GatewayError(
        'ContentPolicyViolationError',
        `litellm.ContentPolicyViolationError: the answer of deployment ${deployment.id} was stopped by its content filter`,
        { deploymentId: deployment.id },
      );
    }
  }
}
