import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, test } from 'node:test';
import { loadPlan } from '../config/index.ts';
import { startGateway, type Gateway } from './start-gateway.ts';
import { keptTickObject } from './tick-object-shape.ts';

const EXAMPLE_CONFIG = fileURLToPath(new URL('../../examples/config.yaml', import.meta.url));

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.drain();
  gateway = undefined;
});

async function start(): Promise<Gateway> {
  const { plan } = loadPlan(EXAMPLE_CONFIG, { env: {} });
  gateway = await startGateway({ plan, port: 0, host: '127.0.0.1' });
  return gateway;
}

function chat(url: string, stream: boolean): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream,
    }),
  });
}

void describe('startGateway with the example config', () => {
  void test('serves a chat completion from a mock deployment with the x-litellm headers', async () => {
    const { url } = await start();
    const response = await chat(url, false);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.equal(body.choices[0]?.message.content, 'Hello from gpt-4o-mini.');
    assert.equal(response.headers.get('x-litellm-model-group'), 'gpt-4o-mini');
    assert.ok(response.headers.get('x-litellm-call-id'));
    assert.ok(response.headers.get('x-litellm-model-id'));
  });

  void test('applies the V8 guards: a tick object is kept once it has started', async () => {
    await start();
    await new Promise<void>((resolve) => process.nextTick(resolve));
    const kept = keptTickObject();
    assert.ok(kept !== undefined, 'startGateway keeps a tick object');
    assert.equal(Object.getOwnPropertySymbols(kept).length, 2);
  });

  void test('streams a chat completion ending with [DONE]', async () => {
    const { url } = await start();
    const response = await chat(url, true);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const text = await response.text();
    assert.ok(text.startsWith('data: {'));
    assert.ok(text.endsWith('data: [DONE]\n\n'));
  });

  void test('is ready once started and lists the config groups', async () => {
    const { url } = await start();
    assert.equal((await fetch(`${url}/health/readiness`)).status, 200);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(
      models.data.map((model) => model.id),
      ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'],
    );
  });
});
