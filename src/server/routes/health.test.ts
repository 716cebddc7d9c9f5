import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createFakeClock } from '../../testing/fake-clock.ts';
import { buildServer, type GatewayServer } from '../build-server.ts';
import { createStubEngine, GENERAL, HEALTH_REPORT, START_MS } from '../stub-engine.test-helper.ts';

let server: GatewayServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

function start(): GatewayServer {
  server = buildServer({
    engine: createStubEngine(),
    general: GENERAL,
    clock: createFakeClock(START_MS),
    version: '9.9.9',
  });
  return server;
}

void describe('health', () => {
  void test('liveliness answers LiteLLM’s JSON string', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/health/liveliness' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.equal(response.json(), "I'm alive!");
  });

  void test('liveness is the same probe under its usual spelling', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/health/liveness' });
    assert.equal(response.json(), "I'm alive!");
  });

  void test('readiness is 503 until the server is marked ready', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/health/readiness' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'unhealthy', cache: 'none', version: '9.9.9' });
  });

  void test('readiness is 200 healthy once marked ready', async () => {
    const { app, markReady } = start();
    markReady();
    const response = await app.inject({ method: 'GET', url: '/health/readiness' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'healthy', cache: 'none', version: '9.9.9' });
  });

  void test('readiness reports the package version by default', async () => {
    server = buildServer({ engine: createStubEngine(), general: GENERAL });
    const response = await server.app.inject({ method: 'GET', url: '/health/readiness' });
    assert.match(response.json<{ version: string }>().version, /^\d+\.\d+\.\d+/);
  });

  void test('/health answers the engine’s health report', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), HEALTH_REPORT);
  });
});
