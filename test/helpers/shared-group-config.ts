/**
 * The config the shared-state tests run several instances with: one group `g` of two
 * deployments (ids `dep-a`, `dep-b`) on two mock upstreams, so a bench of one is visible as
 * traffic moving to the other.
 */
import type { MockUpstream } from '../../src/testing/index.ts';

/** `routerSettings`: extra `router_settings` lines (Redis keys and the like), indented by two. */
export function sharedGroupConfig(
  a: MockUpstream,
  b: MockUpstream,
  routerSettings: string,
): string {
  return `
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_base: ${b.baseUrl}, api_key: k }
    model_info: { id: dep-b }
router_settings:
  num_retries: 1
  cooldown_time: 30
${routerSettings}
`;
}
