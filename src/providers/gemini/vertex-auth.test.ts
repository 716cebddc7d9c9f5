import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import type { Deployment } from '../../core/deployment.ts';
import type { JsonObject } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { createTestServiceAccount } from '../../testing/google-service-account.ts';
import { startMockGemini, type MockGemini } from '../../testing/mock-gemini.ts';
import { createHttpProvider } from '../http-provider.ts';
import type { Provider } from '../provider.ts';
import { createHttpTransport } from '../transport/http-transport.ts';
import type { Transport } from '../transport/transport.ts';
import { vertexDeployment } from './fixtures/fixtures.ts';
import { createVertexCodec } from './vertex-codec.ts';

const signal = (): AbortSignal => new AbortController().signal;
const chat = (deployment: Deployment) => ({
  operation: 'chat' as const,
  deployment,
  body: { model: 'vertex', messages: [{ role: 'user', content: 'Hi' }] },
  signal: signal(),
});

void describe('vertex_ai OAuth tokens', () => {
  let upstream: MockGemini;
  let transport: Transport;
  let account: ReturnType<typeof createTestServiceAccount>;

  before(async () => {
    // The key pair is generated first; the mock then verifies assertions with its public half.
    const probe = createTestServiceAccount('http://127.0.0.1:1/token');
    upstream = await startMockGemini({ name: 'vertex', publicKey: probe.publicKey });
    account = {
      ...probe,
      json: JSON.stringify({ ...JSON.parse(probe.json), token_uri: upstream.tokenUrl }),
    };
    transport = createHttpTransport();
  });
  after(async () => {
    await transport.close();
    await upstream.close();
  });

  function setUp(): { provider: Provider; deployment: Deployment } {
    upstream.reset();
    const codec = createVertexCodec({ transport });
    const deployment = vertexDeployment(account.json, { apiBase: upstream.url });
    codec.prepare?.(deployment);
    return { provider: createHttpProvider(codec, transport), deployment };
  }

  void test('a signed JWT is exchanged for a token that reaches Vertex as a Bearer', async () => {
    const { provider, deployment } = setUp();
    const { body } = await provider.send(chat(deployment));
    assert.equal(
      ((body.choices as JsonObject[])[0]?.message as JsonObject).content,
      'Hello from vertex',
    );
    const call = upstream.requests().find((request) => request.route === 'generate');
    assert.equal(
      call?.path,
      '/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent',
    );
    assert.equal(call?.headers.authorization, 'Bearer ya29.mock-token-1');
    const tokenRequest = upstream.requests().find((request) => request.route === 'token');
    assert.match(
      String(tokenRequest?.body),
      /grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer/,
    );
  });

  void test('the token is reused across requests, concurrent ones included', async () => {
    const { provider, deployment } = setUp();
    await Promise.all([provider.send(chat(deployment)), provider.send(chat(deployment))]);
    await provider.send(chat(deployment));
    assert.equal(upstream.hits().token, 1);
    assert.equal(upstream.hits().generate, 3);
  });

  void test('an expired token is replaced by a new one', async (t) => {
    const { provider, deployment } = setUp();
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    await provider.send(chat(deployment));
    mock.timers.tick(3_600_000);
    await provider.send(chat(deployment));
    assert.equal(upstream.hits().token, 2);
    const bearers = upstream
      .requests()
      .filter((r) => r.route === 'generate')
      .map((r) => r.headers.authorization);
    assert.deepEqual(bearers, ['Bearer ya29.mock-token-1', 'Bearer ya29.mock-token-2']);
  });

  void test('a key the token endpoint rejects is an AuthenticationError that leaks no secret', async () => {
    upstream.reset();
    const other = createTestServiceAccount(upstream.tokenUrl);
    const codec = createVertexCodec({ transport });
    const provider = createHttpProvider(codec, transport);
    const deployment = vertexDeployment(other.json, { apiBase: upstream.url });
    const error = await provider.send(chat(deployment)).then(
      () => assert.fail('the call succeeded'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'AuthenticationError');
    assert.match(
      error.message,
      /^litellm\.AuthenticationError: VertexAIException - could not get an access token: invalid_grant/,
    );
    assert.ok(!error.message.includes('PRIVATE KEY'));
    assert.equal(upstream.hits().generate, 0);
  });

  void test('an unreachable token endpoint is an APIConnectionError', async () => {
    const codec = createVertexCodec({ transport });
    const deployment = vertexDeployment(createTestServiceAccount('http://127.0.0.1:1/token').json, {
      apiBase: upstream.url,
    });
    const error = await createHttpProvider(codec, transport)
      .send(chat(deployment))
      .then(
        () => assert.fail('the call succeeded'),
        (thrown: unknown) => thrown,
      );
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'APIConnectionError');
  });

  void test('an aborted request stops waiting for its token with the abort reason', async () => {
    const { provider, deployment } = setUp();
    const controller = new AbortController();
    const reason = new GatewayError('Timeout', 'deadline');
    controller.abort(reason);
    await assert.rejects(
      provider.send({ ...chat(deployment), signal: controller.signal }),
      (e) => e === reason,
    );
  });

  void test('embeddings use :predict and report Vertex token counts', async () => {
    const { provider, deployment } = setUp();
    const { body } = await provider.send({
      operation: 'embedding',
      deployment: { ...deployment, upstreamModel: 'text-embedding-005' },
      body: { model: 'emb', input: 'hello' },
      signal: signal(),
    });
    assert.deepEqual(body.usage, { prompt_tokens: 2, total_tokens: 2 });
    assert.ok(
      upstream.requests().some((r) => r.path.endsWith('/models/text-embedding-005:predict')),
    );
  });
});
