/**
 * `bin/switchyard.js` as a user runs it, in child processes: serve, graceful SIGTERM, and
 * `check`. Every child still running after a test is killed by useChildren().
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startMockUpstream, type MockUpstream } from '../src/testing/index.ts';
import { REPO_ROOT, useChildren } from './helpers/child-gateway.ts';
import { chat, chatContent, waitFor } from './helpers/http.ts';

const EXAMPLE_CONFIG = join(REPO_ROOT, 'examples', 'config.yaml');
const children = useChildren();
/** A budget per suite (a few child processes, each compiling the sources with tsx first). */
const CHILD_SUITE = { timeout: 30_000 };

let upstream: MockUpstream;
before(async () => {
  upstream = await startMockUpstream({ name: 'cli-upstream' });
});
after(() => upstream.close());

function upstreamConfig(): string {
  return children.writeConfig(`
model_list:
  - model_name: chat-group
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${upstream.baseUrl}
      api_key: sk-cli
`);
}

/** Opens a raw connection: requests written to it are pipelined on one kept-alive socket. */
async function openSocket(url: string): Promise<{ socket: Socket; received: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const received = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  return { socket, received };
}

void describe('switchyard serve', CHILD_SUITE, () => {
  void test('logs its URL and proxies a chat request', async () => {
    upstream.reset();
    const gateway = await children.serve(upstreamConfig());
    assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await chat(gateway.url, 'chat-group');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from cli-upstream');
    assert.equal(upstream.requests()[0]?.headers.authorization, 'Bearer sk-cli');
  });

  void test('on SIGTERM finishes the in-flight request, answered with connection: close, and exits 0', async () => {
    upstream.reset();
    const gateway = await children.serve(upstreamConfig());
    // The upstream holds the request until reset(), which then answers it normally.
    upstream.fail({ hang: true, times: 1 });
    const { socket, received } = await openSocket(gateway.url);
    const body = JSON.stringify({
      model: 'chat-group',
      messages: [{ role: 'user', content: 'hi' }],
    });
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await waitFor(() => upstream.hanging() === 1);

    gateway.child.kill('SIGTERM');
    await gateway.waitForLog('draining: readiness is 503, finishing in-flight requests');
    // Pipelined behind the busy request: the answer before it says the connection closes, so
    // it is not served on this connection (RFC 9112 §9.6); the client would send it elsewhere.
    await new Promise<void>((resolve) =>
      socket.write('GET /health/readiness HTTP/1.1\r\nHost: gateway\r\n\r\n', () => resolve()),
    );
    upstream.reset();

    const text = await received;
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    assert.deepEqual(statuses, ['200'], text);
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.match(text, /Hello from cli-upstream/);
    assert.equal(await gateway.exited, 0);
  });

  void test('serves the example config: the README curl returns the mock answer', async () => {
    const gateway = await children.serve(EXAMPLE_CONFIG);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    assert.equal(response.status, 200);
    assert.match((await chatContent(response)) ?? '', /^Hello from deployment [AB] of gpt-4o\.$/);
  });
});

void describe('switchyard check', CHILD_SUITE, () => {
  void test('accepts the example config, prints its groups and exits 0', async () => {
    const result = await children.runCli(['check', '--config', EXAMPLE_CONFIG]);
    assert.equal(result.code, 0, result.stderr);
    for (const group of ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']) {
      assert.match(result.stdout, new RegExp(`^  ${group}$`, 'm'));
    }
    assert.match(result.stdout, /config OK/);
  });

  void test('exits 2 naming the path of a value of the wrong type', async () => {
    const path = children.writeConfig(`
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_key: k }
router_settings:
  num_retries: lots
`);
    const result = await children.runCli(['check', '--config', path]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /router_settings\.num_retries/);
  });

  void test('exits 2 on an unknown provider prefix, listing the supported ones', async () => {
    const path = children.writeConfig(`
model_list:
  - model_name: g
    litellm_params: { model: nosuchprovider/some-model }
`);
    const result = await children.runCli(['check', '--config', path]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /model_list\[0\]\.litellm_params\.model/);
    assert.match(result.stderr, /nosuchprovider/);
    for (const provider of ['openai', 'azure', 'hosted_vllm', 'mock']) {
      assert.match(result.stderr, new RegExp(`\\b${provider}\\b`));
    }
  });

  void test('warns once about an unknown key and still exits 0', async () => {
    const path = children.writeConfig(`
model_list:
  - model_name: g
    litellm_params: { model: mock/gpt-4o }
not_a_litellm_section:
  anything: 1
`);
    const result = await children.runCli(['check', '--config', path]);
    assert.equal(result.code, 0, result.stderr);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(warnings[0] ?? '', /not_a_litellm_section/);
  });

  void test('accepts every routing strategy without a warning (all are built)', async () => {
    const path = children.writeConfig(`
model_list:
  - model_name: g
    litellm_params: { model: mock/gpt-4o }
router_settings: { routing_strategy: least-busy }
`);
    const result = await children.runCli(['check', '--config', path]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /^warning:/m);
    assert.match(result.stdout, /routing strategy: least-busy/);
  });
});

void describe('switchyard serve: bad environment', CHILD_SUITE, () => {
  for (const [name, value] of [
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
  ] as const) {
    void test(`exits 2 naming ${name} when it is invalid`, async () => {
      const result = await children.runCli(['--config', EXAMPLE_CONFIG], { [name]: value });
      assert.equal(result.code, 2);
      assert.match(result.stderr, new RegExp(`invalid ${name}: .*"${value}"`));
    });
  }
});
