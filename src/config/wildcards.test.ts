import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConfig } from './compile.ts';
import { configError } from './config-error.test-helper.ts';
import { parseConfig } from './load.ts';
import type { RouterPlan } from './plan.ts';
import {
  bySpecificity,
  matchWildcard,
  MAX_WILDCARD_NAME_CHARS,
  patternRegex,
  substituteWildcards,
} from './wildcards.ts';

function compile(yaml: string): RouterPlan {
  return compileConfig(parseConfig(yaml, { env: {} }), { env: {} });
}

void describe('patterns', () => {
  void test('each * matches one non-empty segment; everything else is literal', () => {
    const regex = patternRegex('openai/*');
    assert.deepEqual(regex.exec('openai/gpt-4o')?.slice(1), ['gpt-4o']);
    assert.equal(regex.test('openai/'), false);
    assert.equal(regex.test('xopenai/gpt-4o'), false);
    assert.equal(patternRegex('a.b/*').test('aXb/c'), false, 'a dot is literal');
    assert.deepEqual(patternRegex('fo::*:static::*').exec('fo::hi:static::there')?.slice(1), [
      'hi',
      'there',
    ]);
  });

  void test('more literal characters sort first, then fewer wildcards; ties keep order', () => {
    const sorted = ['*', 'openai/*', 'openai/gpt-4*', 'x/*/*', 'b/*'].sort(bySpecificity);
    assert.deepEqual(sorted, ['openai/gpt-4*', 'openai/*', 'x/*/*', 'b/*', '*']);
  });

  void test('substitution fills each * in order; a template without * stays as is', () => {
    assert.equal(substituteWildcards('*', ['gpt-4o']), 'gpt-4o');
    assert.equal(substituteWildcards('fo::*:static::*', ['a', 'b']), 'fo::a:static::b');
    assert.equal(substituteWildcards('gpt-4o', ['ignored']), 'gpt-4o');
  });
});

void describe('compiled wildcard groups', () => {
  const plan = compile(`
model_list:
  - model_name: chat
    litellm_params: { model: mock/chat, mock_response: hi }
  - model_name: "*"
    litellm_params: { model: "openai/*" }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*" }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_key: other }
`);

  void test('are kept apart from deployments, most specific first, templates together', () => {
    assert.deepEqual(
      [...plan.deployments.values()].map((d) => d.group),
      ['chat'],
    );
    assert.deepEqual(
      plan.wildcards.map((g) => [g.pattern, g.deployments.length]),
      [
        ['openai/*', 2],
        ['*', 1],
      ],
    );
    assert.equal(plan.wildcards[0]?.deployments[0]?.upstreamModel, '*');
  });

  void test('a name matches the most specific pattern; patterns and huge names match nothing', () => {
    assert.equal(matchWildcard(plan.wildcards, 'openai/gpt-4o')?.group.pattern, 'openai/*');
    assert.deepEqual(matchWildcard(plan.wildcards, 'llama3')?.segments, ['llama3']);
    assert.equal(matchWildcard(plan.wildcards, 'openai/*'), undefined);
    assert.equal(matchWildcard(plan.wildcards, 'x'.repeat(MAX_WILDCARD_NAME_CHARS + 1)), undefined);
  });

  void test('a * in the model without a wildcard model_name is a start-up error', () => {
    const error = configError(() =>
      compile(`
model_list:
  - model_name: gpt
    litellm_params: { model: "openai/*" }
`),
    );
    assert.match(
      error.issues[0] ?? '',
      /model_list\[0\]\.litellm_params\.model: "\*" needs a wildcard model_name/,
    );
  });

  void test('mismatched * counts are a start-up error naming both', () => {
    const error = configError(() =>
      compile(`
model_list:
  - model_name: "*/*"
    litellm_params: { model: "openai/*" }
`),
    );
    assert.match(error.issues[0] ?? '', /has 1 "\*" but model_name "\*\/\*" has 2/);
  });

  void test('a fallback to a pattern is a start-up error; to a name a pattern serves is fine', () => {
    const base = `
model_list:
  - model_name: chat
    litellm_params: { model: mock/chat, mock_response: hi }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*" }
router_settings:
`;
    const error = configError(() => compile(`${base}  fallbacks: [{ chat: ["openai/*"] }]\n`));
    assert.match(error.issues[0] ?? '', /"openai\/\*" is a wildcard group/);
    const ok = compile(
      `${base}  fallbacks: [{ chat: ["openai/gpt-4o"] }, { "openai/*": [chat] }]\n`,
    );
    assert.deepEqual(ok.settings.fallbacks.get('chat'), ['openai/gpt-4o']);
    assert.deepEqual(ok.settings.fallbacks.get('openai/*'), ['chat']);
  });
});
