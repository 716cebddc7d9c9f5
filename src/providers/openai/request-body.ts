import type { GatewayRequestBody, JsonObject } from '../../core/openai-types.ts';

/**
 * Request-body fields that steer the gateway (LiteLLM's router and proxy parameters) and are
 * never forwarded upstream: OpenAI rejects unknown parameters, and some (`api_key`,
 * `api_base`) would leak or redirect credentials. Any key starting with GATEWAY_ONLY_PREFIX is
 * dropped as well. Every provider builds its upstream body through toUpstreamBody().
 */
export const GATEWAY_ONLY_FIELDS: readonly string[] = Object.freeze([
  // reliability, read by the router
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
  'disable_fallbacks',
  'num_retries',
  'max_retries',
  'timeout',
  'request_timeout',
  'stream_timeout',
  'overall_timeout',
  // LiteLLM's testing hooks
  'mock_response',
  'mock_delay',
  'mock_timeout',
  'mock_testing_fallbacks',
  'mock_testing_context_fallbacks',
  'mock_testing_content_policy_fallbacks',
  'mock_testing_rate_limit_error',
  // per-request credentials and routing, which only config may set
  'api_base',
  'base_url',
  'api_key',
  'api_version',
  'custom_llm_provider',
  'allowed_model_region',
  // headers are the deployment's to set (`litellm_params.extra_headers`); a client's could
  // replace its credentials, and upstreams reject the unknown body field anyway
  'extra_headers',
  // proxy-side bookkeeping (LiteLLM strips `metadata` before calling the provider)
  'metadata',
  'caching',
  'cache',
  'ttl',
]);

/** Keys with this prefix are LiteLLM-internal (`litellm_call_id`, `litellm_logging_obj`, …). */
export const GATEWAY_ONLY_PREFIX = 'litellm_';

const GATEWAY_ONLY = new Set(GATEWAY_ONLY_FIELDS);

/**
 * The body sent upstream: one shallow copy of the client's body without gateway-only fields,
 * with `model` set to the deployment's upstream model. The client's object is not touched;
 * nested values are shared, not cloned, since nothing downstream mutates them.
 */
export function toUpstreamBody(body: GatewayRequestBody, upstreamModel: string): JsonObject {
  const out: JsonObject = {};
  for (const key in body) {
    if (!Object.hasOwn(body, key)) continue;
    if (GATEWAY_ONLY.has(key) || key.startsWith(GATEWAY_ONLY_PREFIX)) continue;
    out[key] = body[key];
  }
  out.model = upstreamModel;
  return out;
}
