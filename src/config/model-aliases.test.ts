import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConfig } from './compile.ts';
import { configError } from './config-error.test-helper.ts';
import { parseConfig } from './load.ts';
import type { RouterPlan } from './plan.ts';

function compile(yaml: string): RouterPlan {
  return compileConfig(parseConfig(yaml, { env: {} }), { env: {} });
}

const MODELS = `
model_list:
  - model_name: chat
    litellm_params: { model: mock/chat, mock_response: hi }
  - model_name: big
    litellm_params: { model: mock/big, mock_response: hi }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*" }
`;

void describe('model_group_alias', () => {
  void test('accepts both LiteLLM forms, in config order', () => {
    const plan = compile(`${MODELS}router_settings:
  model_group_alias:
    gpt-4: chat
    internal: { model: big, hidden: true }
    shown: { model: big }
`);
    assert.deepEqual(
      [...plan.settings.modelGroupAlias],
      [
        ['gpt-4', { group: 'chat', hidden: false }],
        ['internal', { group: 'big', hidden: true }],
        ['shown', { group: 'big', hidden: false }],
      ],
    );
  });

  void test('an alias may name a model a wildcard group serves', () => {
    const plan = compile(
      `${MODELS}router_settings:\n  model_group_alias: { mini: openai/gpt-4o-mini }\n`,
    );
    assert.equal(plan.settings.modelGroupAlias.get('mini')?.group, 'openai/gpt-4o-mini');
  });

  void test('an unknown target, a clash with a group and a * are start-up errors naming the key', () => {
    const error = configError(() =>
      compile(`${MODELS}router_settings:
  model_group_alias:
    a: nope
    chat: big
    "x*": chat
    pattern: "openai/*"
`),
    );
    assert.deepEqual(
      error.issues.map((issue) => issue.split(':')[0]),
      [
        'router_settings.model_group_alias.a',
        'router_settings.model_group_alias.chat',
        'router_settings.model_group_alias.x*',
        'router_settings.model_group_alias.pattern',
      ],
    );
    assert.match(error.issues[0] ?? '', /"nope" is not a model_name in model_list/);
  });

  void test('a malformed value is a schema error', () => {
    const error = configError(() =>
      compile(`${MODELS}router_settings:\n  model_group_alias: { a: { hidden: true } }\n`),
    );
    assert.match(error.issues.join('\n'), /model_group_alias/);
  });

  void test('aliases inherit their target group fallbacks and retry policy unless they have their own', () => {
    const plan = compile(`${MODELS}router_settings:
  model_group_alias: { fast: chat, own: chat }
  fallbacks: [{ chat: [big] }, { own: [chat] }]
  context_window_fallbacks: [{ chat: [big] }]
  model_group_retry_policy: { chat: { TimeoutErrorRetries: 7 } }
`);
    assert.deepEqual(plan.settings.fallbacks.get('fast'), ['big']);
    assert.deepEqual(plan.settings.fallbacks.get('own'), ['chat']);
    assert.deepEqual(plan.settings.contextWindowFallbacks.get('fast'), ['big']);
    assert.equal(plan.settings.modelGroupRetryPolicy.get('fast')?.TimeoutErrorRetries, 7);
  });
});
