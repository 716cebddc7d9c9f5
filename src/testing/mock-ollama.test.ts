import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMockOllama } from './mock-ollama.ts';

async function withMock(run: (mock: Awaited<ReturnType<typeof startMockOllama>>) => Promise<void>) {
  const mock = await startMockOllama({ reply: 'one two three' });
  try {
    await run(mock);
  } finally {
    await mock.close();
  }
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

void test('streams NDJSON by default, word by word, ending with a done line and counts', async () => {
  await withMock(async (mock) => {
    const response = await post(`${mock.url}/api/chat`, { model: 'm', messages: [] });
    assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
    type Line = { message: { content: string }; done: boolean; eval_count?: number };
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
    assert.deepEqual(
      lines.map((line) => line.message.content),
      ['one', ' two', ' three', ''],
    );
    assert.equal(lines.at(-1)?.done, true);
    assert.equal(lines.at(-1)?.eval_count, 3);
  });
});

void test('answers one JSON object when stream is false', async () => {
  await withMock(async (mock) => {
    const response = await post(`${mock.url}/api/generate`, { model: 'm', stream: false });
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.response, 'one two three');
    assert.equal(body.done, true);
    assert.deepEqual(mock.hits(), { total: 1, byPath: { '/api/generate': 1 } });
  });
});

void test('injects an error answer for the next `times` requests of a path', async () => {
  await withMock(async (mock) => {
    mock.fail({ status: 404, path: '/api/chat', times: 1 });
    const failed = await post(`${mock.url}/api/chat`, { model: 'x', stream: false });
    assert.equal(failed.status, 404);
    assert.match(((await failed.json()) as { error: string }).error, /not found/);
    const ok = await post(`${mock.url}/api/chat`, { model: 'x', stream: false });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  });
});

void test('can end a stream with an error line', async () => {
  await withMock(async (mock) => {
    mock.fail({ streamErrorAfter: 1, error: 'boom' });
    const response = await post(`${mock.url}/api/chat`, { model: 'm' });
    const lines = (await response.text()).trim().split('\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[1]!), { error: 'boom' });
  });
});

void test('reset() clears faults and captured requests', async () => {
  await withMock(async (mock) => {
    mock.fail({ status: 500 });
    await (await post(`${mock.url}/api/embed`, { model: 'e', input: 'x' })).body?.cancel();
    mock.reset();
    const response = await post(`${mock.url}/api/embed`, { model: 'e', input: 'x' });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.equal(mock.requests().length, 1);
  });
});
