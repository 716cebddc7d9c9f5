import assert from 'node:assert/strict';
import { test } from 'node:test';
import { successHeaders } from './response-headers.ts';
import { meta, START_MS } from './stub-engine.test-helper.ts';

test('x-litellm headers describe the request; config names pass as they are', () => {
  const headers = successHeaders(meta(), {}, START_MS);
  assert.equal(headers['x-litellm-call-id'], 'call-123');
  assert.equal(headers['x-litellm-model-group'], 'gpt-4o');
  assert.equal(headers['x-litellm-model-id'], 'dep-a');
  assert.equal(headers['x-litellm-model-api-base'], 'https://api.example.com/v1');
  assert.equal(headers['x-litellm-response-duration-ms'], '250');
  assert.equal(headers['x-litellm-overhead-duration-ms'], '50');
});

test('a name Node would refuse in a header is percent-encoded, every time it comes', () => {
  for (let round = 0; round < 2; round++) {
    const headers = successHeaders(meta({ group: 'grüße', deploymentId: 'a\nb' }), {}, START_MS);
    assert.equal(headers['x-litellm-model-group'], 'gr%C3%BC%C3%9Fe');
    assert.equal(headers['x-litellm-model-id'], 'a%0Ab');
  }
});
