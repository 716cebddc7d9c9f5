import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { Cancellation, type CancelSignal } from '../../core/cancellation.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { HttpCall } from '../provider.ts';
import { refusedUrl, startLoopbackServer } from '../testing/loopback-server.ts';
import type { LoopbackHandler } from '../testing/loopback-server.ts';
import { createHttpTransport, splitUrl } from './http-transport.ts';
import type { HttpTransportOptions } from './http-transport.ts';
import type { Transport } from './transport.ts';

const SECRET = 'sk-test-transport-secret';

function call(url: string): HttpCall {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: '{}',
  };
}

async function setup(
  t: { after: (fn: () => Promise<void>) => void },
  handler: LoopbackHandler,
  options: HttpTransportOptions = {},
): Promise<{ transport: Transport; url: string; connections: () => number }> {
  const server = await startLoopbackServer(handler);
  const transport = createHttpTransport(options);
  t.after(async () => {
    await server.close();
    await transport.close();
  });
  return { transport, url: server.url, connections: server.connections };
}

const signal = (): AbortSignal => new AbortController().signal;

void test('transport returns lower-case headers with the first value of repeated ones', async (t) => {
  const { transport, url } = await setup(t, (_req, res) => {
    res.setHeader('X-Multi', ['first', 'second']);
    res.setHeader('X-Request-ID', 'req-1');
    res.end('ok');
  });
  const response = await transport.request(call(url), signal());
  await response.dump();
  assert.equal(response.status, 200);
  assert.equal(response.headers['x-multi'], 'first');
  assert.equal(response.headers['x-request-id'], 'req-1');
});

void test('splitUrl gives undici the origin and a request target starting with a slash', () => {
  assert.deepEqual(splitUrl('http://127.0.0.1:8080/v1/chat/completions'), [
    'http://127.0.0.1:8080',
    '/v1/chat/completions',
  ]);
  assert.deepEqual(splitUrl('https://example.openai.azure.com/openai/x?api-version=1#frag'), [
    'https://example.openai.azure.com',
    '/openai/x?api-version=1',
  ]);
  assert.deepEqual(splitUrl('http://[::1]:9000'), ['http://[::1]:9000', '/']);
  assert.deepEqual(splitUrl('http://host?q=1'), ['http://host', '/?q=1']);
});

void test('transport sends the path and query of the URL it was given', async (t) => {
  let seen = '';
  const { transport, url } = await setup(t, (req, res) => {
    seen = req.url ?? '';
    res.end('{"ok":true}');
  });
  const response = await transport.request(
    call(`${url}/v1/embeddings?api-version=2024-10-21`),
    signal(),
  );
  assert.deepEqual(JSON.parse(await response.text()), { ok: true });
  assert.equal(seen, '/v1/embeddings?api-version=2024-10-21');
});

void test('transport text() without a limit reads the whole body, multi-byte characters intact', async (t) => {
  const body = 'é€𝄞'.repeat(20_000);
  const { transport, url } = await setup(t, (_req, res) => res.end(body));
  const response = await transport.request(call(url), signal());
  assert.equal(await response.text(), body);
});

void test('transport text() stops at the byte limit', async (t) => {
  const { transport, url } = await setup(t, (_req, res) => res.end('a'.repeat(1000)));
  const response = await transport.request(call(url), signal());
  assert.equal(await response.text(10), 'a'.repeat(10));
});

void test('transport reuses a kept-alive connection for sequential requests', async (t) => {
  const { transport, url, connections } = await setup(t, (_req, res) => res.end('{}'), {
    connections: 1,
  });
  for (let i = 0; i < 3; i++) {
    const response = await transport.request(call(url), signal());
    assert.deepEqual(JSON.parse(await response.text()), {});
  }
  assert.equal(connections(), 1);
});

void test('transport reports a refused connection as APIConnectionError without the key', async (t) => {
  const transport = createHttpTransport();
  t.after(() => transport.close());
  const url = await refusedUrl();
  await assert.rejects(transport.request(call(url), signal()), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'APIConnectionError');
    assert.match(error.message, /ECONNREFUSED/);
    assert.ok(!error.message.includes(SECRET));
    return true;
  });
});

void test('transport does not connect when the signal is already aborted', async (t) => {
  const { transport, url, connections } = await setup(t, (_req, res) => res.end());
  const reason = new Error('client went away');
  await assert.rejects(transport.request(call(url), AbortSignal.abort(reason)), (error) => {
    assert.equal(error, reason);
    return true;
  });
  assert.equal(connections(), 0);
});

void test('transport rethrows a client abort reason as-is', async (t) => {
  let received!: () => void;
  const arrived = new Promise<void>((resolve) => (received = resolve));
  const { transport, url } = await setup(t, () => received());
  const controller = new AbortController();
  const pending = transport.request(call(url), controller.signal);
  await arrived;
  const reason = new Error('client went away');
  controller.abort(reason);
  await assert.rejects(pending, (error) => {
    assert.equal(error, reason);
    return true;
  });
});

/** Counts the listeners undici keeps on a Cancellation. */
class CountedCancellation extends Cancellation {
  listening = 0;
  override addEventListener(type: 'abort', listener: () => void): void {
    this.listening += 1;
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: 'abort', listener: () => void): void {
    this.listening -= 1;
    super.removeEventListener(type, listener);
  }
}

void test("transport takes the router's Cancellation: a finished call lets go of it, aborting one mid-call rejects with its reason", async (t) => {
  let received!: () => void;
  const arrived = new Promise<void>((resolve) => (received = resolve));
  const { transport, url } = await setup(t, (request, res) => {
    if (request.url === '/hang') received();
    else res.end('{}');
  });
  const done = new CountedCancellation();
  const answered = await transport.request(call(url), done);
  assert.deepEqual(JSON.parse(await answered.text()), {});
  // undici lets go when the body stream closes, a tick after its end.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(done.listening, 0);

  const cancellation = new CountedCancellation();
  const pending = transport.request(call(`${url}/hang`), cancellation);
  await arrived;
  assert.equal(cancellation.listening, 1);
  const timeout = new GatewayError('Timeout', 'attempt timed out');
  cancellation.abort(timeout);
  await assert.rejects(pending, (error) => {
    assert.equal(error, timeout);
    return true;
  });
});

/**
 * A streamed answer whose first chunk (`first;`) has been written and read; the server's
 * response is then the test's to drive.
 */
async function openStreamedBody(
  t: { after: (fn: () => Promise<void>) => void },
  cancel: CancelSignal = signal(),
): Promise<{ chunks: AsyncIterator<Uint8Array>; server: ServerResponse }> {
  let server!: ServerResponse;
  const { transport, url } = await setup(t, (_request, res) => {
    server = res;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('first;');
  });
  const answer = await transport.request(call(url), cancel);
  const chunks = answer.body[Symbol.asyncIterator]();
  assert.equal(text(await chunks.next()), 'first;');
  return { chunks, server };
}

function text(result: IteratorResult<Uint8Array>): string {
  return result.done === true ? 'DONE' : Buffer.from(result.value).toString('utf8');
}

void test(
  'a streamed body yields its chunks as they arrive, then ends',
  { timeout: 10_000 },
  async (t) => {
    const { chunks, server } = await openStreamedBody(t);
    // Nothing buffered: next() waits for the server's next write.
    const waiting = chunks.next();
    server.write('second;');
    assert.equal(text(await waiting), 'second;');
    const ending = chunks.next();
    server.end('last');
    assert.equal(text(await ending), 'last');
    assert.equal(text(await chunks.next()), 'DONE');
    assert.equal(text(await chunks.next()), 'DONE');
  },
);

void test(
  'a body cut short rejects the waiting read with APIConnectionError',
  { timeout: 10_000 },
  async (t) => {
    const { chunks, server } = await openStreamedBody(t);
    const waiting = chunks.next();
    server.socket?.destroy();
    await assert.rejects(waiting, (error) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.kind, 'APIConnectionError');
      assert.doesNotMatch(error.message, new RegExp(SECRET));
      return true;
    });
  },
);

void test(
  'aborting mid-body rejects the waiting read with the reason',
  { timeout: 10_000 },
  async (t) => {
    const cancellation = new Cancellation();
    const { chunks } = await openStreamedBody(t, cancellation);
    const waiting = chunks.next();
    const timeout = new GatewayError('Timeout', 'stream went idle');
    cancellation.abort(timeout);
    await assert.rejects(waiting, (error) => {
      assert.equal(error, timeout);
      return true;
    });
  },
);

void test(
  'leaving a body early closes it, and the server sees the connection go',
  { timeout: 10_000 },
  async (t) => {
    const { chunks, server } = await openStreamedBody(t);
    const closed = new Promise<void>((resolve) => server.on('close', () => resolve()));
    assert.deepEqual(await chunks.return?.(), { done: true, value: undefined });
    await closed;
    assert.deepEqual(await chunks.next(), { done: true, value: undefined });
  },
);
