import assert from 'node:assert/strict';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { createFakeClock } from '../testing/fake-clock.ts';
import type { OpenAiErrorBody } from './error-response.ts';
import { buildServer, type GatewayServer } from './build-server.ts';
import { createStubEngine, GENERAL, START_MS, type StubEngine } from './stub-engine.test-helper.ts';

let server: GatewayServer | undefined;
let engine: StubEngine;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

function start(): GatewayServer {
  engine = createStubEngine();
  server = buildServer({ engine, general: GENERAL, clock: createFakeClock(START_MS) });
  return server;
}

interface Rejection {
  readonly status: number;
  readonly param: string | null;
  readonly message: RegExp;
}

async function post(url: string, payload: string, contentType = 'application/json') {
  const { app } = start();
  return app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
}

async function assertRejected(url: string, payload: unknown, expected: Rejection): Promise<void> {
  const response = await post(url, typeof payload === 'string' ? payload : JSON.stringify(payload));
  assert.equal(response.statusCode, expected.status, response.body);
  const { error } = response.json<OpenAiErrorBody>();
  assert.equal(error.type, 'invalid_request_error');
  assert.equal(error.code, String(expected.status));
  assert.equal(error.param, expected.param);
  assert.match(error.message, expected.message);
  assert.equal(engine.calls.length, 0, 'the engine must not be called');
}

void describe('request validation', () => {
  void test('malformed JSON is a 400', async () => {
    await assertRejected('/v1/chat/completions', '{"model": "gpt-4o",', {
      status: 400,
      param: null,
      message: /not valid JSON/,
    });
  });

  void test('an empty JSON body is a 400', async () => {
    await assertRejected('/v1/chat/completions', '', {
      status: 400,
      param: null,
      message: /empty/,
    });
  });

  void test('a body that is not an object is a 400', async () => {
    await assertRejected('/v1/chat/completions', [1, 2], {
      status: 400,
      param: null,
      message: /must be a JSON object/,
    });
  });

  void test('a missing model is a 400 naming model', async () => {
    await assertRejected(
      '/v1/chat/completions',
      { messages: [{ role: 'user', content: 'x' }] },
      {
        status: 400,
        param: 'model',
        message: /Missing required parameter: 'model'/,
      },
    );
  });

  void test('a model that is not a string is a 400 naming model', async () => {
    await assertRejected(
      '/v1/chat/completions',
      { model: 4, messages: [] },
      {
        status: 400,
        param: 'model',
        message: /Invalid type for 'model': expected a string, but got a number/,
      },
    );
  });

  void test('chat without messages is a 400 naming messages', async () => {
    await assertRejected(
      '/v1/chat/completions',
      { model: 'gpt-4o' },
      {
        status: 400,
        param: 'messages',
        message: /Missing required parameter: 'messages'/,
      },
    );
  });

  void test('chat with messages that are not an array is a 400 naming messages', async () => {
    await assertRejected(
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: 'hi' },
      {
        status: 400,
        param: 'messages',
        message: /expected an array, but got a string/,
      },
    );
  });

  void test('chat with an empty messages array is a 400 naming messages', async () => {
    await assertRejected(
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: [] },
      {
        status: 400,
        param: 'messages',
        message: /at least one/,
      },
    );
  });

  void test('a completion without prompt is a 400 naming prompt', async () => {
    await assertRejected(
      '/v1/completions',
      { model: 'davinci' },
      {
        status: 400,
        param: 'prompt',
        message: /'prompt'/,
      },
    );
  });

  void test('an embedding without input is a 400 naming input', async () => {
    await assertRejected(
      '/v1/embeddings',
      { model: 'text-embedding-3-small' },
      {
        status: 400,
        param: 'input',
        message: /'input'/,
      },
    );
  });

  void test('a non-boolean stream is a 400 naming stream', async () => {
    await assertRejected(
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: 'yes' },
      { status: 400, param: 'stream', message: /expected a boolean/ },
    );
  });

  void test('an unknown model is LiteLLM’s 400 listing the groups', async () => {
    await assertRejected(
      '/v1/chat/completions',
      { model: 'foo', messages: [{ role: 'user', content: 'x' }] },
      {
        status: 400,
        param: 'model',
        message:
          /^Invalid model name passed in model=foo\. Call \/v1\/models to view available models for your key\. Available: gpt-4o, text-embedding-3-small, davinci$/,
      },
    );
  });

  void test('a body over the limit is a 413', async () => {
    const big = 'x'.repeat(GENERAL.maxRequestBodyBytes);
    await assertRejected(
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: [{ role: 'user', content: big }] },
      {
        status: 413,
        param: null,
        message: new RegExp(`limit of ${GENERAL.maxRequestBodyBytes} bytes`),
      },
    );
  });

  void test('a JSON body is accepted whatever its content-type, as LiteLLM does', async () => {
    const payload = JSON.stringify({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const response = await post(
      '/v1/chat/completions',
      payload,
      'application/x-www-form-urlencoded',
    );
    assert.equal(response.statusCode, 200);
    assert.equal(engine.calls.length, 1);
  });

  void test('a form body that is not JSON is a 400 that reaches no engine', async () => {
    const response = await post(
      '/v1/chat/completions',
      'model=gpt-4o',
      'application/x-www-form-urlencoded',
    );
    assert.equal(response.statusCode, 400);
    assert.match(response.json<OpenAiErrorBody>().error.message, /not valid JSON/);
    assert.equal(engine.calls.length, 0);
  });

  void test('a JSON body with a prototype-poisoning key is refused, not parsed', async () => {
    await assertRejected(
      '/v1/chat/completions',
      '{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"__proto__":{"admin":true}}',
      { status: 400, param: null, message: /not valid JSON/ },
    );
  });

  void test('an unknown route is an OpenAI-shaped 404', async () => {
    const { app } = start();
    const response = await app.inject({ method: 'POST', url: '/v1/unknown?key=secret' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.type, 'not_found_error');
    assert.doesNotMatch(response.body, /secret/);
  });
});

/** One request over `agent`: status, headers, body, and whether it rode an earlier socket. */
function send(
  port: number,
  agent: Agent,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(parts),
            reused: request.reusedSocket,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

void describe('error answers on the wire', () => {
  void test('carry JSON headers and their exact length, close the connection after an unread body, answer HEAD without a body', async (t) => {
    const { app } = start();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());

    // Over the limit, so its body is not read to the end by the parser.
    const big = JSON.stringify({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'é'.repeat(GENERAL.maxRequestBodyBytes) }],
    });
    const tooLarge = await send(port, agent, 'POST', '/v1/chat/completions', big);
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(Number(tooLarge.headers['content-length']), tooLarge.body.byteLength);
    assert.match(String(tooLarge.headers['x-litellm-call-id']), /^[0-9a-f-]{36}$/);
    assert.equal(JSON.parse(tooLarge.body.toString('utf8')).error.code, '413');
    // The rest of that body may still be on its way: the connection is closed, not drained.
    assert.equal(tooLarge.headers.connection, 'close');

    const unknown = await send(port, agent, 'HEAD', '/v1/unknown');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(unknown.body.byteLength, 0);

    const answered = await send(
      port,
      agent,
      'POST',
      '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    );
    assert.equal(answered.status, 200);
    assert.equal(unknown.reused, false, 'the 413 closed its connection');
    assert.equal(answered.reused, true, 'a 404 leaves its kept-alive connection usable');
    assert.equal(engine.calls.length, 1);
    assert.equal(Number(answered.headers['content-length']), answered.body.byteLength);
  });
});
