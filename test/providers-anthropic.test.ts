/**
 * Anthropic deployments end to end: OpenAI clients through the gateway to the Anthropic-wire
 * mock, and failover between Anthropic and OpenAI deployments.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { startMockAnthropic, type MockUpstream } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import {
  chat,
  chatContent,
  expectOpenAiError,
  json,
  postJson,
  readUntilError,
  sseData,
  streamChunks,
  streamedText,
  type TextCompletion,
} from './helpers/http.ts';

const ANTHROPIC_KEY = 'sk-ant-e2e-SECRET-key';
const anthropicMocks: MockUpstream[] = [];
// Registered before useGateways(): the Anthropic mocks close first, so no gateway drain can wait
// on a request a failed test left hanging upstream.
afterEach(async () => {
  await Promise.all(anthropicMocks.splice(0).map((mock) => mock.close()));
});
const start = useGateways();

async function startClaude(): Promise<MockUpstream> {
  const mock = await startMockAnthropic({ name: 'claude' });
  anthropicMocks.push(mock);
  return mock;
}

/** One `claude` group on the Anthropic mock, plus whatever `more` adds. */
function claudeEntry(mock: MockUpstream, extra = ''): string {
  return `
  - model_name: claude
    litellm_params:
      model: anthropic/claude-3-5-sonnet-20241022
      api_base: ${mock.baseUrl}
      api_key: ${ANTHROPIC_KEY}${extra}`;
}

void describe('anthropic deployments', E2E_SUITE, () => {
  void test('answer an OpenAI chat request from the Messages API', async () => {
    const claude = await startClaude();
    const { url } = await start({ config: () => `model_list:${claudeEntry(claude)}\n` });
    const response = await chat(url, 'claude', {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      temperature: 0.2,
      stop: 'END',
      num_retries: 1,
    });
    assert.equal(response.status, 200);
    const body = await json<{ object: string; model: string; usage: { total_tokens: number } }>(
      response.clone(),
    );
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'claude-3-5-sonnet-20241022');
    assert.ok(body.usage.total_tokens > 0);
    assert.equal(await chatContent(response), 'Hello from claude');

    const sent = claude.requests()[0];
    assert.equal(sent?.path, '/v1/messages');
    assert.equal(sent?.headers['x-api-key'], ANTHROPIC_KEY);
    assert.equal(sent?.headers['anthropic-version'], '2023-06-01');
    assert.deepEqual(sent?.body, {
      model: 'claude-3-5-sonnet-20241022',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
      max_tokens: 4096,
      system: [{ type: 'text', text: 'Be brief.' }],
      temperature: 0.2,
      stop_sequences: ['END'],
    });
  });

  void test('a bare claude- model name is served by anthropic', async () => {
    const claude = await startClaude();
    const { url } = await start({
      config: () => `
model_list:
  - model_name: sonnet
    litellm_params: { model: claude-3-5-sonnet-20241022, api_base: ${claude.baseUrl}, api_key: k }
`,
    });
    assert.equal(await chatContent(await chat(url, 'sonnet')), 'Hello from claude');
    assert.equal(claude.hits().total, 1);
  });

  void test('stream OpenAI chunks with usage, ending with [DONE]', async () => {
    const claude = await startClaude();
    claude.setReply('Streaming from Anthropic works');
    const { url } = await start({ config: () => `model_list:${claudeEntry(claude)}\n` });
    const response = await chat(url, 'claude', { stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const payloads = sseData(await response.text());
    assert.equal(payloads.at(-1), '[DONE]');
    const chunks = streamChunks(payloads);
    assert.equal(chunks[0]?.choices?.[0]?.delta?.role, 'assistant');
    assert.equal(streamedText(chunks), 'Streaming from Anthropic works');
    const usage = (chunks.at(-1) as { usage?: { completion_tokens: number } }).usage;
    assert.ok((usage?.completion_tokens ?? 0) > 0);
    assert.equal((claude.requests()[0]?.body as { stream?: boolean }).stream, true);
  });

  void test('an error event after the first chunks ends the stream with an error and no [DONE]', async () => {
    const claude = await startClaude();
    claude.fail({ kind: 'overloaded', streamErrorAfter: 4 });
    const { url } = await start({ config: () => `model_list:${claudeEntry(claude)}\n` });
    const { text, error } = await readUntilError(await chat(url, 'claude', { stream: true }));
    assert.equal(error, undefined);
    const payloads = sseData(text);
    assert.ok(!payloads.includes('[DONE]'));
    assert.match(payloads.at(-1) ?? '', /AnthropicException - Overloaded/);
  });

  void test('answer a text completion through the Messages API', async () => {
    const claude = await startClaude();
    const { url } = await start({ config: () => `model_list:${claudeEntry(claude)}\n` });
    const response = await postJson(`${url}/v1/completions`, { model: 'claude', prompt: 'Hi' });
    assert.equal(response.status, 200);
    const body = await json<TextCompletion>(response);
    assert.equal(body.object, 'text_completion');
    assert.equal(body.choices[0]?.text, 'Hello from claude');
  });

  void test('refuse embeddings with a 400 naming the operation and the provider', async () => {
    const claude = await startClaude();
    const { url } = await start({ config: () => `model_list:${claudeEntry(claude)}\n` });
    const response = await postJson(`${url}/v1/embeddings`, { model: 'claude', input: 'x' });
    const error = await expectOpenAiError(response, 400);
    assert.match(error.message, /AnthropicException - anthropic does not offer embeddings/);
    assert.equal(claude.hits().total, 0);
  });

  void test('when every attempt fails the client sees the mapped error, never the key', async () => {
    const claude = await startClaude();
    claude.fail({ kind: 'overloaded' });
    const { url } = await start({
      config: () => `model_list:${claudeEntry(claude)}\nrouter_settings: { num_retries: 0 }\n`,
    });
    const error = await expectOpenAiError(await chat(url, 'claude'), 503);
    assert.match(error.message, /ServiceUnavailableError: AnthropicException - Overloaded/);
    assert.ok(!error.message.includes(ANTHROPIC_KEY));
    claude.reset();
    claude.fail({ kind: 'auth' });
    const auth = await expectOpenAiError(await chat(url, 'claude'), 401);
    assert.match(auth.message, /AuthenticationError: AnthropicException - invalid x-api-key/);
  });
});

/** A gateway whose `claude` group tries `claude` first (order 1), then an OpenAI mock (order 2). */
function startClaudeWithOpenAiBackup(claude: MockUpstream) {
  return start({
    upstreams: ['openai'],
    config: ({ openai }) => `
model_list:${claudeEntry(claude, '\n      order: 1')}
  - model_name: claude
    litellm_params: { model: openai/gpt-4o, api_base: ${openai.baseUrl}, api_key: k, order: 2 }
`,
  });
}

/** A gateway with `claude` alone in its group, and `fallbacks` from it to an OpenAI `gpt-4o`. */
function startClaudeFallingBackToGpt4o(claude: MockUpstream) {
  return start({
    upstreams: ['openai'],
    config: ({ openai }) => `
model_list:${claudeEntry(claude)}
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${openai.baseUrl}, api_key: k }
router_settings:
  num_retries: 0
  fallbacks: [{ claude: [gpt-4o] }]
`,
  });
}

void describe('failover between anthropic and openai', E2E_SUITE, () => {
  void test('an overloaded (529) anthropic deployment fails over to the openai one in its group', async () => {
    const claude = await startClaude();
    claude.fail({ kind: 'overloaded' });
    const { url, upstreams } = await startClaudeWithOpenAiBackup(claude);
    const response = await chat(url, 'claude');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from openai');
    assert.equal(claude.hits().total, 1);
    assert.equal(upstreams.openai.hits().total, 1);
  });

  void test('a stream that anthropic refuses with 529 is served by the openai deployment', async () => {
    const claude = await startClaude();
    claude.fail({ kind: 'overloaded' });
    const { url } = await startClaudeWithOpenAiBackup(claude);
    const payloads = sseData(await (await chat(url, 'claude', { stream: true })).text());
    assert.equal(payloads.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(payloads)), 'Hello from openai');
  });

  void test('an overloaded error event right after message_start still fails over', async () => {
    const claude = await startClaude();
    claude.fail({ kind: 'overloaded', streamErrorAfter: 1 });
    const { url } = await startClaudeWithOpenAiBackup(claude);
    const payloads = sseData(await (await chat(url, 'claude', { stream: true })).text());
    assert.equal(payloads.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(payloads)), 'Hello from openai');
    assert.equal(claude.hits().total, 1);
  });

  void test('fallbacks claude → gpt-4o carry a request anthropic rate-limits (429)', async () => {
    const claude = await startClaude();
    claude.fail({ kind: 'rate_limit' });
    const { url, upstreams } = await startClaudeFallingBackToGpt4o(claude);
    const response = await chat(url, 'claude');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-litellm-attempted-fallbacks'), '1');
    assert.equal(await chatContent(response), 'Hello from openai');
    assert.equal(claude.hits().total, 1);
    assert.equal(upstreams.openai.hits().total, 1);
  });

  void test('when the fallback fails too, the client gets the original 429 naming Anthropic', async () => {
    const claude = await startClaude();
    claude.fail({ kind: 'rate_limit' });
    const { url, upstreams } = await startClaudeFallingBackToGpt4o(claude);
    upstreams.openai.fail({ kind: 'server_error' });
    const error = await expectOpenAiError(await chat(url, 'claude'), 429);
    assert.match(error.message, /AnthropicException/);
  });
});
