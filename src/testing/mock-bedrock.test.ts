import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JsonObject } from '../core/openai-types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { createBedrockCodec } from '../providers/bedrock/bedrock-codec.ts';
import { bedrockDeployment } from '../providers/bedrock/fixtures/fixtures.ts';
import { createHttpProvider } from '../providers/http-provider.ts';
import type { Provider } from '../providers/provider.ts';
import { createHttpTransport } from '../providers/transport/http-transport.ts';
import type { Transport } from '../providers/transport/transport.ts';
import { MOCK_AWS_CREDENTIALS, startMockBedrock, type MockBedrock } from './mock-bedrock.ts';

void describe('mock bedrock', () => {
  let mock: MockBedrock;
  let transport: Transport;
  let provider: Provider;

  before(async () => {
    mock = await startMockBedrock({ name: 'br', apiKeys: ['br-api-key'] });
    transport = createHttpTransport();
    provider = createHttpProvider(createBedrockCodec(), transport);
  });
  after(async () => {
    await transport.close();
    await mock.close();
  });

  const deployment = (extra: JsonObject = {}, apiKey?: string) =>
    bedrockDeployment({
      apiBase: mock.url,
      apiKey,
      extra: {
        aws_region_name: 'us-east-1',
        aws_access_key_id: MOCK_AWS_CREDENTIALS.accessKeyId,
        aws_secret_access_key: MOCK_AWS_CREDENTIALS.secretAccessKey,
        ...extra,
      },
    });
  const call = (extra: JsonObject = {}, stream = false, apiKey?: string) => ({
    operation: 'chat' as const,
    deployment: deployment(extra, apiKey),
    body: { model: 'claude', messages: [{ role: 'user', content: 'Hello there' }], stream },
    signal: new AbortController().signal,
  });

  void test('answers a signed Converse call and records it as authentic', async () => {
    const { body } = await provider.send(call());
    const choice = (body.choices as JsonObject[])[0];
    assert.equal((choice?.message as JsonObject).content, 'Hello from br');
    const last = mock.requests().at(-1);
    assert.equal(last?.authentic, true);
    assert.equal(last?.modelId, 'anthropic.claude-3-5-sonnet-20240620-v1:0');
    assert.deepEqual(last?.body, {
      messages: [{ role: 'user', content: [{ text: 'Hello there' }] }],
    });
  });

  void test('streams its answer as binary event-stream messages, usage last', async () => {
    mock.setReply('one two three');
    const stream = await provider.openStream(call({}, true));
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      const delta = (chunk.choices as JsonObject[])[0]?.delta as JsonObject | undefined;
      if (typeof delta?.content === 'string') text += delta.content;
      if (chunk.usage !== undefined) usage = chunk.usage;
    }
    mock.setReply('Hello from br');
    assert.equal(text, 'one two three');
    assert.deepEqual(usage, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    assert.equal(
      mock.hits().byPath['/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream'],
      1,
    );
  });

  void test('refuses a wrong secret with InvalidSignatureException → AuthenticationError', async () => {
    const error = await provider
      .send(call({ aws_secret_access_key: 'not-the-secret-key' }))
      .catch((e: unknown) => e);
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'AuthenticationError');
    assert.match(error.message, /signature we calculated does not match/);
    assert.equal(mock.requests().at(-1)?.authentic, false);
  });

  void test('refuses an unknown access key with UnrecognizedClientException', async () => {
    const error = await provider
      .send(call({ aws_access_key_id: 'AKIAUNKNOWN' }))
      .catch((e: unknown) => e);
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'AuthenticationError');
    assert.match(error.message, /security token included in the request is invalid/);
  });

  void test('accepts a known Bedrock API key as a bearer token', async () => {
    const bearer = {
      ...call(),
      deployment: bedrockDeployment({
        apiBase: mock.url,
        apiKey: 'br-api-key',
        extra: { aws_region_name: 'us-east-1' },
      }),
    };
    const { body } = await provider.send(bearer);
    assert.equal(body.object, 'chat.completion');
  });

  void test('injected faults answer in Bedrock shape, in order, then clear', async () => {
    mock.fail({ type: 'ThrottlingException', retryAfter: '2' });
    mock.fail({ type: 'ModelTimeoutException' });
    const first = await provider.send(call()).catch((e: unknown) => e);
    assert.ok(first instanceof GatewayError);
    assert.equal(first.kind, 'RateLimitError');
    assert.equal(first.retryAfterMs, 2_000);
    const second = await provider.send(call()).catch((e: unknown) => e);
    assert.ok(second instanceof GatewayError);
    assert.equal(second.kind, 'Timeout');
    const { body } = await provider.send(call());
    assert.equal(body.object, 'chat.completion');
  });

  void test('a mid-stream fault ends the stream with an exception message', async () => {
    mock.fail({ type: 'ModelStreamErrorException', midStream: true });
    const stream = await provider.openStream(call({}, true));
    const pieces: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) {
        const delta = (chunk.choices as JsonObject[])[0]?.delta as JsonObject | undefined;
        if (typeof delta?.content === 'string' && delta.content !== '') pieces.push(delta.content);
      }
    };
    await assert.rejects(
      consume(),
      (error) => error instanceof GatewayError && error.kind === 'BadGatewayError',
    );
    assert.deepEqual(pieces, ['Hello ']);
  });
});
