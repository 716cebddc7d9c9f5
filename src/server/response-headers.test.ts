import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyReply } from 'fastify';
import { describeError, sendError } from './error-response.ts';
import { successHeaders } from './response-headers.ts';
import { meta, START_MS } from './stub-engine.test-helper.ts';

/** The list as pairs, in order, as Node writes them. */
function pairs(list: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let at = 0; at < list.length; at += 2) out.push([list[at]!, list[at + 1]!]);
  return out;
}

test('x-litellm headers describe the request; config names pass as they are', () => {
  const headers = new Map(pairs(successHeaders(meta(), {}, START_MS)));
  assert.equal(headers.get('x-litellm-call-id'), 'call-123');
  assert.equal(headers.get('x-litellm-model-group'), 'gpt-4o');
  assert.equal(headers.get('x-litellm-model-id'), 'dep-a');
  assert.equal(headers.get('x-litellm-model-api-base'), 'https://api.example.com/v1');
  assert.equal(headers.get('x-litellm-response-duration-ms'), '250');
  assert.equal(headers.get('x-litellm-overhead-duration-ms'), '50');
});

test('a name Node would refuse in a header is percent-encoded, every time it comes', () => {
  for (let round = 0; round < 2; round++) {
    const list = successHeaders(meta({ group: 'grüße', deploymentId: 'a\nb' }), {}, START_MS);
    const headers = new Map(pairs(list));
    assert.equal(headers.get('x-litellm-model-group'), 'gr%C3%BC%C3%9Fe');
    assert.equal(headers.get('x-litellm-model-id'), 'a%0Ab');
  }
});

test("upstream headers pass as llm_provider-*; the group's own rate limits win over the upstream's", () => {
  const list = successHeaders(
    meta({
      rateLimit: {
        limitRequests: 100,
        remainingRequests: 99,
        limitTokens: undefined,
        remainingTokens: undefined,
      },
    }),
    {
      'x-ratelimit-limit-requests': '5000',
      'x-ratelimit-limit-tokens': '80000',
      'x-request-id': 'r1',
    },
    START_MS,
  );
  const written = pairs(list).filter(([name]) => !name.startsWith('x-litellm-'));
  assert.deepEqual(written, [
    ['x-ratelimit-limit-requests', '100'],
    ['x-ratelimit-remaining-requests', '99'],
    ['llm_provider-x-ratelimit-limit-requests', '5000'],
    ['llm_provider-x-ratelimit-limit-tokens', '80000'],
    ['x-ratelimit-limit-tokens', '80000'],
    ['llm_provider-x-request-id', 'r1'],
  ]);
});

test("an error answer keeps fastify's headers, each name once, ours winning", () => {
  let written: readonly string[] = [];
  const reply = {
    getHeaders: () => ({
      connection: 'close',
      'content-type': 'text/plain',
      'content-length': 12,
      'retry-after': '60',
      'x-other': ['a', 'b'],
    }),
    hijack: () => undefined,
    raw: {
      writeHead(_status: number, headers: readonly string[]) {
        written = headers;
        return { end: () => undefined };
      },
    },
  } as unknown as FastifyReply;
  const error = { ...describeError(new Error('boom')), retryAfterMs: 3_000, meta: meta() };
  sendError(reply, error, START_MS, true);
  const names = pairs(written).map(([name]) => name);
  assert.deepEqual(
    names.filter((name, at) => names.indexOf(name) !== at),
    [],
    'no name twice',
  );
  const headers = new Map(pairs(written));
  assert.equal(headers.get('connection'), 'close');
  assert.equal(headers.get('retry-after'), '3');
  assert.equal(headers.get('x-other'), 'a, b');
  assert.equal(headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(headers.get('x-litellm-call-id'), 'call-123');
});
