import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { GeneralSettings } from '../config/plan.ts';
import { createFakeClock } from '../testing/fake-clock.ts';
import { buildServer, type GatewayServer } from './build-server.ts';
import { createStubEngine, GENERAL, START_MS, type StubEngine } from './stub-engine.test-helper.ts';

const KEY = 'sk-master-1234';
const CHAT_BODY = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

let server: GatewayServer | undefined;
let engine: StubEngine;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

function start(general: GeneralSettings = { ...GENERAL, masterKey: KEY }): GatewayServer {
  engine = createStubEngine();
  server = buildServer({ engine, general, clock: createFakeClock(START_MS) });
  server.markReady();
  return server;
}

function chat(headers: Record<string, string>) {
  return start().app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    payload: CHAT_BODY,
    headers,
  });
}

function assertUnauthorized(response: { statusCode: number; json(): unknown; body: string }): void {
  assert.equal(response.statusCode, 401);
  const { error } = response.json() as { error: Record<string, unknown> };
  assert.equal(error.type, 'auth_error');
  assert.equal(error.code, '401');
  assert.equal(error.param, null);
}

void describe('master key', () => {
  void test('a request without a key is a 401 and never reaches the engine', async () => {
    const response = await chat({});
    assertUnauthorized(response);
    assert.match(response.body, /No api key passed in/);
    assert.equal(engine.calls.length, 0);
  });

  void test('a wrong key is a 401 that does not echo what was sent', async () => {
    const response = await chat({ authorization: 'Bearer sk-wrong-key' });
    assertUnauthorized(response);
    assert.doesNotMatch(response.body, /sk-wrong-key|sk-master/);
    assert.equal(engine.calls.length, 0);
  });

  void test('a key that is a prefix of the master key is refused', async () => {
    assertUnauthorized(await chat({ authorization: `Bearer ${KEY.slice(0, -1)}` }));
  });

  void test('a non-bearer Authorization scheme is refused', async () => {
    assertUnauthorized(await chat({ authorization: `Basic ${KEY}` }));
  });

  void test('Authorization: Bearer with the master key is served', async () => {
    const response = await chat({ authorization: `Bearer ${KEY}` });
    assert.equal(response.statusCode, 200);
    assert.equal(engine.calls.length, 1);
  });

  void test('once the master key was accepted, near misses are still refused', async () => {
    const { app } = start();
    const send = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: CHAT_BODY,
        headers: { authorization: `Bearer ${key}` },
      });
    assert.equal((await send(KEY)).statusCode, 200);
    for (const wrong of [KEY.slice(0, -1), `${KEY}5`, KEY.toUpperCase(), '']) {
      assertUnauthorized(await send(wrong));
    }
    assert.equal((await send(KEY)).statusCode, 200);
    assert.equal(engine.calls.length, 2);
  });

  void test('x-litellm-api-key is accepted, with or without a bearer prefix', async () => {
    assert.equal((await chat({ 'x-litellm-api-key': KEY })).statusCode, 200);
    assert.equal((await chat({ 'x-litellm-api-key': `Bearer ${KEY}` })).statusCode, 200);
  });

  void test('x-litellm-api-key wins over Authorization, as in LiteLLM', async () => {
    const response = await chat({ 'x-litellm-api-key': KEY, authorization: 'Bearer other' });
    assert.equal(response.statusCode, 200);
  });

  void test('api-key (Azure clients) and x-api-key (Anthropic clients) are accepted', async () => {
    assert.equal((await chat({ 'api-key': KEY })).statusCode, 200);
    assert.equal((await chat({ 'x-api-key': KEY })).statusCode, 200);
  });

  void test('the auth check runs before the body is parsed', async () => {
    const { app } = start();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 401);
  });

  void test('guards /v1/models and /health', async () => {
    const { app } = start();
    assertUnauthorized(await app.inject({ method: 'GET', url: '/v1/models' }));
    assertUnauthorized(await app.inject({ method: 'GET', url: '/models' }));
    assertUnauthorized(await app.inject({ method: 'GET', url: '/health' }));
    const authorized = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { authorization: `Bearer ${KEY}` },
    });
    assert.equal(authorized.statusCode, 200);
  });

  void test('leaves liveness and readiness open', async () => {
    const { app } = start();
    assert.equal((await app.inject({ method: 'GET', url: '/health/liveliness' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/health/liveness' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/health/readiness' })).statusCode, 200);
  });

  void test('without a master key every route is open', async () => {
    const { app } = start(GENERAL);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 200);
  });

  void test('an empty master key is refused at build time', () => {
    assert.throws(() => start({ ...GENERAL, masterKey: '' }), RangeError);
  });
});
