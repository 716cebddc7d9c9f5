import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createFakeClock } from '../../testing/fake-clock.ts';
import { buildServer, type GatewayServer } from '../build-server.ts';
import { createStubEngine, GENERAL, GROUPS, START_MS } from '../stub-engine.test-helper.ts';

let server: GatewayServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

function start(): GatewayServer {
  server = buildServer({
    engine: createStubEngine(),
    general: GENERAL,
    clock: createFakeClock(START_MS + 999),
  });
  return server;
}

void describe('models', () => {
  void test('lists every group in config order, created at the start time in seconds', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/v1/models' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.json(), {
      object: 'list',
      data: GROUPS.map((id) => ({
        id,
        object: 'model',
        created: START_MS / 1000,
        owned_by: 'switchyard',
      })),
    });
  });

  void test('is also served on /models', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/models' });
    assert.equal(response.json().data.length, GROUPS.length);
  });

  void test('answers one model by id', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/v1/models/davinci' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      id: 'davinci',
      object: 'model',
      created: START_MS / 1000,
      owned_by: 'switchyard',
    });
  });

  void test('an unknown model id is a 404 naming model', async () => {
    const response = await start().app.inject({ method: 'GET', url: '/v1/models/nope' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.param, 'model');
    assert.equal(response.json().error.code, '404');
  });
});
