import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoUsageProblem, type DemoFlags } from './command.ts';
import { openAiBaseUrl } from './target-mode.ts';

const defaults: DemoFlags = { interval: 500, outage: 10_000, cooldown: 3 };

void describe('demo command flags', () => {
  void test('accept the self-contained demo and a complete --target', () => {
    assert.equal(demoUsageProblem(defaults), undefined);
    const target = { ...defaults, target: 'http://localhost:4000', model: 'llama-fp8' };
    assert.equal(demoUsageProblem(target), undefined);
  });

  void test('--target needs --model, and --model needs --target', () => {
    assert.match(demoUsageProblem({ ...defaults, target: 'http://x:1' }) ?? '', /needs --model/);
    assert.match(demoUsageProblem({ ...defaults, model: 'm' }) ?? '', /needs --target/);
  });

  void test('--target must be an http(s) URL', () => {
    assert.match(demoUsageProblem({ ...defaults, target: 'localhost', model: 'm' }) ?? '', /URL/);
    assert.match(demoUsageProblem({ ...defaults, target: 'ftp://h', model: 'm' }) ?? '', /http/);
  });

  void test('the target gets /v1 once, whether or not it was given', () => {
    assert.equal(openAiBaseUrl('http://h:4000'), 'http://h:4000/v1');
    assert.equal(openAiBaseUrl('http://h:4000/'), 'http://h:4000/v1');
    assert.equal(openAiBaseUrl('http://h:4000/v1/'), 'http://h:4000/v1');
  });
});
