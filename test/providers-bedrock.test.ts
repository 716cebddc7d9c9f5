/**
 * AWS Bedrock end to end: an OpenAI client talks to the gateway, the gateway signs and sends
 * Converse calls to the loopback Bedrock mock (which verifies every signature), and Bedrock's
 * failures are retried or fail over onto an OpenAI deployment.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { describePlan } from '../src/config/describe.ts';
import { startMockBedrock, type MockBedrock, MOCK_AWS_CREDENTIALS } from '../src/testing/index.ts';
import { E2E_SUITE, planFromYaml, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError, readUntilError, sseData } from './helpers/http.ts';
import { captureLogs } from './helpers/log-capture.ts';

const start = useGateways();
const mocks: MockBedrock[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});

const SESSION_TOKEN = 'FwoGZXIvYXdzEPLANTED-session-7c1d';

async function bedrock(): Promise<MockBedrock> {
  const mock = await startMockBedrock({
    credentials: [{ ...MOCK_AWS_CREDENTIALS, sessionToken: SESSION_TOKEN }],
  });
  mocks.push(mock);
  return mock;
}

/** A bedrock deployment entry pointed at `mock`, keys in litellm_params. */
function bedrockEntry(group: string, mock: MockBedrock, extra = ''): string {
  return `
  - model_name: ${group}
    litellm_params:
      model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
      aws_region_name: us-east-1
      aws_access_key_id: ${MOCK_AWS_CREDENTIALS.accessKeyId}
      aws_secret_access_key: ${MOCK_AWS_CREDENTIALS.secretAccessKey}
      aws_session_token: ${SESSION_TOKEN}
      aws_bedrock_runtime_endpoint: ${mock.url}${extra}
    model_info: { id: bedrock-${group} }`;
}

void describe('bedrock deployments', E2E_SUITE, () => {
  void test('a chat request is signed, sent to Converse and answered in OpenAI format', async () => {
    const mock = await bedrock();
    const { url } = await start({ config: () => `model_list:${bedrockEntry('claude', mock)}\n` });
    const response = await chat(url, 'claude', {
      max_tokens: 50,
      num_retries: 1,
      metadata: { team: 'a' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-litellm-model-id'), 'bedrock-claude');
    assert.equal(response.headers.get('x-litellm-model-api-base'), mock.url);
    assert.equal(await chatContent(response), 'Hello from bedrock');
    const [call] = mock.requests();
    assert.equal(call?.authentic, true, 'the signature did not verify');
    assert.equal(call?.path, '/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
    assert.deepEqual(call?.body, {
      messages: [{ role: 'user', content: [{ text: 'Say hello' }] }],
      inferenceConfig: { maxTokens: 50 },
    });
  });

  void test('a stream arrives as OpenAI SSE chunks with usage, ending in [DONE]', async () => {
    const mock = await bedrock();
    const { url } = await start({ config: () => `model_list:${bedrockEntry('claude', mock)}\n` });
    const response = await chat(url, 'claude', { stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const data = sseData(await response.text());
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text) as Record<string, unknown>);
    const text = chunks
      .map(
        (chunk) => (chunk.choices as { delta?: { content?: string } }[])[0]?.delta?.content ?? '',
      )
      .join('');
    assert.equal(text, 'Hello from bedrock');
    assert.ok(chunks.some((chunk) => chunk.usage !== undefined && chunk.usage !== null));
    assert.equal(mock.requests()[0]?.authentic, true);
    assert.match(mock.requests()[0]?.path ?? '', /\/converse-stream$/);
  });

  void test('a ThrottlingException is retried on an OpenAI deployment of the same group', async () => {
    const mock = await bedrock();
    mock.fail({ type: 'ThrottlingException' });
    const { url, upstreams } = await start({
      upstreams: ['openai'],
      config: ({ openai }) => `
model_list:${bedrockEntry('chat', mock, '\n      order: 1')}
  - model_name: chat
    litellm_params: { model: openai/gpt-4o, api_base: ${openai.baseUrl}, api_key: k, order: 2 }
router_settings: { num_retries: 1 }
`,
    });
    const response = await chat(url, 'chat');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from openai');
    assert.equal(mock.hits().total, 1);
    assert.equal(upstreams.openai.hits().total, 1);
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '1');
  });

  void test('a throttled bedrock group falls back to an OpenAI group', async () => {
    const mock = await bedrock();
    mock.fail({ type: 'ThrottlingException', times: 5 });
    const { url, upstreams } = await start({
      upstreams: ['openai'],
      config: ({ openai }) => `
model_list:${bedrockEntry('claude', mock)}
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: ${openai.baseUrl}, api_key: k }
router_settings:
  num_retries: 0
  fallbacks: [{ claude: [gpt] }]
`,
    });
    const stream = await chat(url, 'claude', { stream: true });
    assert.equal(stream.status, 200);
    const data = sseData(await stream.text());
    assert.equal(data.at(-1), '[DONE]');
    assert.equal(upstreams.openai.hits().total, 1);
    assert.equal(stream.headers.get('x-litellm-attempted-fallbacks'), '1');
  });

  void test('when every deployment fails the client sees the Bedrock error as OpenAI shapes it', async () => {
    const mock = await bedrock();
    mock.fail({ type: 'ThrottlingException', times: 5 });
    const { url } = await start({
      config: () =>
        `model_list:${bedrockEntry('claude', mock)}\nrouter_settings: { num_retries: 0 }\n`,
    });
    const error = await expectOpenAiError(await chat(url, 'claude'), 429);
    assert.equal(error.type, 'rate_limit_error');
    assert.match(error.message, /litellm\.RateLimitError: BedrockException - Too many requests/);
  });

  void test('a too-long input is a context-window error that takes the context fallback', async () => {
    const mock = await bedrock();
    mock.fail({ type: 'ValidationException', message: 'Input is too long for requested model.' });
    const { url, upstreams } = await start({
      upstreams: ['big'],
      config: ({ big }) => `
model_list:${bedrockEntry('claude', mock)}
  - model_name: big
    litellm_params: { model: openai/gpt-4o, api_base: ${big.baseUrl}, api_key: k }
router_settings:
  context_window_fallbacks: [{ claude: [big] }]
`,
    });
    const response = await chat(url, 'claude');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from big');
    assert.equal(upstreams.big.hits().total, 1);
  });

  void test('an exception after the first bytes ends the stream with an error event, no [DONE]', async () => {
    const mock = await bedrock();
    mock.fail({ type: 'ModelStreamErrorException', midStream: true });
    const { url } = await start({
      config: () =>
        `model_list:${bedrockEntry('claude', mock)}\nrouter_settings: { num_retries: 0 }\n`,
    });
    const response = await chat(url, 'claude', { stream: true });
    const { text } = await readUntilError(response);
    assert.ok(!text.includes('[DONE]'));
    assert.match(text, /BedrockException - The model stream failed/);
  });

  void test('the secret key and session token appear in no log, response, /health or check output', async () => {
    const mock = await bedrock();
    const logs = captureLogs('trace');
    const config = `model_list:${bedrockEntry('claude', mock)}\nrouter_settings: { num_retries: 0, disable_cooldowns: true }\n`;
    const { url } = await start({ logger: logs.logger, config: () => config });
    const outputs: string[] = [];
    const keep = async (response: Response): Promise<void> => {
      const headers = [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`);
      outputs.push(`${headers.join('\n')}\n${await response.text()}`);
    };
    await keep(await chat(url, 'claude'));
    await keep(await chat(url, 'claude', { stream: true }));
    mock.fail({
      type: 'InvalidSignatureException',
      message: `Bad signature for ${MOCK_AWS_CREDENTIALS.secretAccessKey} / ${SESSION_TOKEN}`,
      times: 2,
    });
    await keep(await chat(url, 'claude'));
    await keep(await fetch(`${url}/health`));
    outputs.push(logs.text(), describePlan(planFromYaml(config)));
    for (const output of outputs) {
      for (const secret of [MOCK_AWS_CREDENTIALS.secretAccessKey, SESSION_TOKEN]) {
        assert.ok(!output.includes(secret), `a secret leaked:\n${output}`);
      }
    }
    assert.match(outputs[2] ?? '', /<redacted>/);
  });
});
