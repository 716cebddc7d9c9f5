/** Config text builders shared by the end-to-end suites. */
import type { MockUpstream } from '../../src/testing/index.ts';

/**
 * A `model_list` of one `chat-group` with a deployment per upstream (id `dep-<name>`), each
 * with its extra `litellm_params` lines, then `router_settings` holding `settings` (indented
 * lines, each ending in a newline).
 */
export function chatGroupConfig(
  upstreams: readonly MockUpstream[],
  params: readonly string[],
  settings: string,
): string {
  const entries = upstreams.map(
    (mock, index) => `
  - model_name: chat-group
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${mock.baseUrl}
      api_key: k
      ${params[index] ?? ''}
    model_info: { id: dep-${mock.name} }`,
  );
  return `model_list:${entries.join('')}\nrouter_settings:\n${settings}`;
}
