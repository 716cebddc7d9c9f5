/** The CLI's log level from LiteLLM's `LITELLM_LOG`, with `LOG_LEVEL` winning. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useChildren } from './helpers/child-gateway.ts';

const children = useChildren();

void describe('LITELLM_LOG', { timeout: 30_000 }, () => {
  void test('an unknown value stops start-up with exit 2, naming the variable', async () => {
    const path = children.writeConfig(`
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_key: k }
`);
    // LOG_LEVEL wins over it, but a typo in either is still refused.
    const result = await children.runCli(['--config', path, '--port', '0'], {
      LITELLM_LOG: 'LOUD',
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid LITELLM_LOG/);
  });
});
