import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ANTHROPIC_MESSAGES_PATH, startMockAnthropic } from './mock-anthropic.ts';
import { postJson } from './mock-test-helpers.ts';
import type { MockUpstream } from './mock-upstream.ts';

const HEADERS = { 'x-api-key': 'sk-ant-mock', 'anthropic-version': '2023-06-01' };
const BODY = {
  model: 'claude-3-5-sonnet-20241022',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Say hello' }],
};

interface ErrorBody {
  type: string;
  error: { type: string; message: string };
}

/** The `{event, data}` pairs of an Anthropic SSE body. */
function events(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      return {
        event: eventLine.slice('event: '.length),
        data: JSON.parse(dataLine.slice('data: '.length)) as Record<string, unknown>,
      };
    });
}

void describe('mock upstream: Anthropic wire format', () => {
  let mock: MockUpstream;
  const messages = (body: unknown = BODY, headers: Record<string, string> = HEADERS) =>
    postJson(`${mock.baseUrl}${ANTHROPIC_MESSAGES_PATH}`, body, { headers });
  beforeEach(async () => {
    mock = await startMockAnthropic({ name: 'claude' });
  });
  afterEach(() => mock.close());

  void it('answers a message with the reply text, usage and the request model', async () => {
    const response = await messages();
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.type, 'message');
    assert.equal(body.model, 'claude-3-5-sonnet-20241022');
    assert.deepEqual(body.content, [{ type: 'text', text: 'Hello from claude' }]);
    assert.equal(body.stop_reason, 'end_turn');
    assert.equal(mock.baseUrl, mock.url);
    assert.deepEqual(mock.hits(), { total: 1, byPath: { '/v1/messages': 1 } });
    assert.equal(mock.requests()[0]?.headers['x-api-key'], 'sk-ant-mock');
  });

  void it('streams the documented event sequence whose deltas spell the reply', async () => {
    mock.setReply('One two three four five six');
    const text = await (await messages({ ...BODY, stream: true })).text();
    const seen = events(text);
    assert.deepEqual(
      [...new Set(seen.map((e) => e.event))],
      [
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    );
    const deltas = seen.filter((e) => e.event === 'content_block_delta');
    const spelled = deltas.map((e) => (e.data.delta as { text: string }).text).join('');
    assert.equal(spelled, 'One two three four five six');
    assert.ok(deltas.length >= 2);
  });

  void it('refuses what the real API refuses: no key, no version, no max_tokens, a system role', async () => {
    const noKey = await messages(BODY, { 'anthropic-version': '2023-06-01' });
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as ErrorBody).error.type, 'authentication_error');
    const refused = [
      messages(BODY, { 'x-api-key': 'k' }),
      messages({ ...BODY, max_tokens: undefined }),
      messages({ ...BODY, messages: [{ role: 'system', content: 'x' }] }),
    ];
    for (const response of await Promise.all(refused)) {
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as ErrorBody).error.type, 'invalid_request_error');
    }
  });

  void it('an overloaded fault answers 529 overloaded_error; rate_limit 429 with retry-after', async () => {
    mock.fail({ kind: 'overloaded', times: 1 });
    mock.fail({ kind: 'rate_limit', times: 1 });
    const overloaded = await messages();
    assert.equal(overloaded.status, 529);
    assert.deepEqual(((await overloaded.json()) as ErrorBody).error, {
      type: 'overloaded_error',
      message: 'Overloaded',
    });
    const limited = await messages();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(((await limited.json()) as ErrorBody).error.type, 'rate_limit_error');
    assert.equal((await messages()).status, 200);
  });

  void it('a streamErrorAfter fault ends the stream with an error event and no message_stop', async () => {
    mock.fail({ kind: 'overloaded', streamErrorAfter: 3 });
    const seen = events(await (await messages({ ...BODY, stream: true })).text());
    assert.equal(seen.length, 4);
    assert.deepEqual(seen.at(-1), {
      event: 'error',
      data: {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
        request_id: 'req_mock',
      },
    });
  });

  void it('is driven over the control API like the OpenAI-wire mock', async () => {
    const control = await postJson(`${mock.url}/__control/fault`, { status: 404, times: 1 });
    assert.equal(control.status, 204);
    const missing = await messages();
    assert.equal(missing.status, 404);
    assert.deepEqual(((await missing.json()) as ErrorBody).error, {
      type: 'not_found_error',
      message: 'model: claude-3-5-sonnet-20241022',
    });
  });
});
