import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { checkAuth } from '../../testing/mock-bedrock-auth.ts';
import type { HttpCall } from '../provider.ts';
import { createBedrockCodec } from './bedrock-codec.ts';
import {
  bedrockDeployment,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  TEST_SESSION_TOKEN,
} from './fixtures/fixtures.ts';
import { providerRequest } from '../testing/provider-request.ts';

const NOW = Date.parse('2024-06-01T12:34:56Z');
const codec = createBedrockCodec({ now: () => NOW, newId: () => 'chatcmpl-fixed' });
const BODY: GatewayRequestBody = {
  model: 'claude',
  messages: [{ role: 'user', content: 'Hi' }],
  max_tokens: 10,
};
const TRUST = {
  credentials: [
    {
      accessKeyId: TEST_ACCESS_KEY_ID,
      secretAccessKey: TEST_SECRET_ACCESS_KEY,
      sessionToken: TEST_SESSION_TOKEN,
    },
  ],
  apiKeys: ['bedrock-api-key-1'],
};

function encode(
  deployment: Deployment = bedrockDeployment(),
  body: GatewayRequestBody = BODY,
  operation: Operation = 'chat',
): Promise<HttpCall> {
  return codec.encode(providerRequest(deployment, body, { operation }));
}

/** The call as a server receives it: path and headers as sent, host from the URL. */
function received(call: HttpCall, tamper: Partial<{ body: string; url: string }> = {}) {
  const url = new URL(tamper.url ?? call.url);
  return {
    method: call.method,
    url: url.pathname + url.search,
    headers: { ...call.headers, host: url.host },
    body: tamper.body ?? call.body ?? '',
  };
}

void test('chat goes to the model Converse URL, the model id escaped into one path segment', async () => {
  const call = await encode();
  assert.equal(
    call.url,
    'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse',
  );
  const stream = await encode(bedrockDeployment(), { ...BODY, stream: true });
  assert.match(stream.url, /\/converse-stream$/);
  assert.equal(stream.headers.accept, 'application/vnd.amazon.eventstream');
  assert.ok(!stream.body?.includes('"stream"'));
});

void test('LiteLLM route prefixes are not part of the model id', async () => {
  for (const route of ['converse/', 'invoke/']) {
    const call = await encode(
      bedrockDeployment({ upstreamModel: `${route}meta.llama3-1-70b-instruct-v1:0` }),
    );
    assert.match(call.url, /\/model\/meta\.llama3-1-70b-instruct-v1%3A0\/converse$/);
  }
  const arn =
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku';
  const call = await encode(bedrockDeployment({ upstreamModel: arn }));
  assert.ok(call.url.endsWith(`/model/${encodeURIComponent(arn)}/converse`));
});

void test('the call is SigV4-signed for bedrock in the deployment region at the clock time', async () => {
  const call = await encode();
  assert.equal(call.headers['x-amz-date'], '20240601T123456Z');
  assert.equal(call.headers['x-amz-security-token'], TEST_SESSION_TOKEN);
  assert.match(
    call.headers.authorization ?? '',
    new RegExp(
      `^AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY_ID}/20240601/us-east-1/bedrock/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
    ),
  );
  assert.ok(!JSON.stringify(call).includes(TEST_SECRET_ACCESS_KEY), 'the secret key is sent');
});

void test('the signature verifies when recomputed from the received request', async () => {
  const call = await encode();
  assert.equal(await checkAuth(received(call), TRUST), undefined);
});

void test('a changed body, path or secret no longer verifies', async () => {
  const call = await encode();
  const tampered = await checkAuth(received(call, { body: call.body!.replace('Hi', 'Ho') }), TRUST);
  assert.equal(tampered?.type, 'InvalidSignatureException');
  const moved = await checkAuth(
    received(call, { url: call.url.replace('converse', 'converse-stream') }),
    TRUST,
  );
  assert.equal(moved?.type, 'InvalidSignatureException');
  const wrongSecret = await encode(
    bedrockDeployment({
      extra: { ...bedrockDeployment().extra, aws_secret_access_key: 'another-secret-key-000' },
    }),
  );
  assert.equal((await checkAuth(received(wrongSecret), TRUST))?.type, 'InvalidSignatureException');
});

void test('a Bedrock API key is sent as a bearer token instead of a signature', async () => {
  const call = await encode(
    bedrockDeployment({ apiKey: 'bedrock-api-key-1', extra: { aws_region_name: 'us-east-1' } }),
  );
  assert.equal(call.headers.authorization, 'Bearer bedrock-api-key-1');
  assert.equal(call.headers['x-amz-date'], undefined);
  assert.equal(await checkAuth(received(call), TRUST), undefined);
});

void test('embeddings and text completions are refused naming what is supported', async () => {
  for (const operation of ['embedding', 'completion'] as const) {
    await assert.rejects(
      encode(bedrockDeployment(), { model: 'x', input: 'hi' }, operation),
      (error) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.kind, 'BadRequestError');
        assert.match(error.message, /Converse/);
        assert.match(error.message, /chat/);
        return true;
      },
    );
  }
});

void test('a deployment without region or credentials is a gateway error, not an unsigned call', async () => {
  await assert.rejects(
    encode(bedrockDeployment({ extra: { aws_region_name: 'us-east-1' } })),
    (error) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.kind, 'GatewayInternalError');
      return true;
    },
  );
});

void test('decode stamps the id, time and model id', () => {
  const body = codec.decode(
    'chat',
    {
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
    },
    bedrockDeployment({ upstreamModel: 'converse/meta.llama3-1-70b-instruct-v1:0' }),
  );
  assert.equal(body.id, 'chatcmpl-fixed');
  assert.equal(body.created, Math.floor(NOW / 1000));
  assert.equal(body.model, 'meta.llama3-1-70b-instruct-v1:0');
});

void test('a request Converse cannot express is a bad request attributed to the deployment', async () => {
  const body = { model: 'claude', messages: [{ role: 'function', name: 'f', content: 'x' }] };
  await assert.rejects(encode(bedrockDeployment(), body), (error) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'BadRequestError');
    assert.equal(error.deploymentId, 'bedrock-1');
    return true;
  });
});
