import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { Cancellation } from '../../core/cancellation.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { HttpCall } from '../provider.ts';
import { startLoopbackServer, type LoopbackHandler } from '../testing/loopback-server.ts';
import { createHttpTransport } from './http-transport.ts';
import type { HttpResponse, Transport } from './transport.ts';
import { DUMP_LIMIT_BYTES, HIGH_WATER_BYTES, UndiciExchange } from './undici-exchange.ts';

const call = (url: string): HttpCall => ({ url, method: 'POST', headers: {}, body: '{}' });

async function setup(
  t: { after: (fn: () => Promise<void>) => void },
  handler: LoopbackHandler,
): Promise<{ transport: Transport; url: string; connections: () => number }> {
  const server = await startLoopbackServer(handler);
  const transport = createHttpTransport({ connections: 1 });
  t.after(async () => {
    await server.close();
    await transport.close();
  });
  return { transport, url: server.url, connections: server.connections };
}

/** Reads a whole body chunk by chunk, the way the SSE reader does. */
async function readAll(response: HttpResponse): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of response.body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Bytes 0..n-1 with a pattern that shows a lost, doubled or reordered piece. */
function pattern(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let index = 0; index < bytes; index += 1) out[index] = (index * 7 + (index >> 12)) & 0xff;
  return out;
}

void test(
  'a body far larger than the queue arrives whole and in order while nobody reads it at first',
  { timeout: 10_000 },
  async (t) => {
    const body = pattern(4 * 1024 * 1024);
    let finished!: () => void;
    const written = new Promise<void>((resolve) => (finished = resolve));
    const { transport, url } = await setup(t, (_request, res) => {
      // One write the size of the body: the server's side of back-pressure is the kernel's.
      res.end(body, () => finished());
    });
    const response = await transport.request(call(url), new Cancellation());
    // The gateway's reader starts late: what arrived meanwhile waits, paused, not lost.
    await new Promise((resolve) => setImmediate(resolve));
    const received = await readAll(response);
    await written;
    assert.equal(received.length, body.length);
    assert.ok(received.equals(body));
  },
);

void test(
  'dump() keeps the connection for a small remainder and cuts it for a large one',
  { timeout: 10_000 },
  async (t) => {
    const { transport, url, connections } = await setup(t, (request, res) => {
      res.end(request.url === '/large' ? 'x'.repeat(4 * DUMP_LIMIT_BYTES) : 'small remainder');
    });
    await (await transport.request(call(`${url}/small`), new Cancellation())).dump();
    const reused = await transport.request(call(`${url}/small`), new Cancellation());
    assert.equal(await reused.text(), 'small remainder');
    assert.equal(connections(), 1);

    await (await transport.request(call(`${url}/large`), new Cancellation())).dump();
    const after = await transport.request(call(`${url}/small`), new Cancellation());
    assert.equal(await after.text(), 'small remainder');
    assert.equal(connections(), 2);
  },
);

void test(
  'text() with a cap answers at the cap and cuts the rest of the body',
  { timeout: 10_000 },
  async (t) => {
    let server!: ServerResponse;
    const { transport, url } = await setup(t, (_request, res) => {
      server = res;
      // More than the cap, and the body never ends on its own.
      res.writeHead(200);
      res.write('é'.repeat(10));
    });
    const response = await transport.request(call(url), new Cancellation());
    const closed = new Promise<void>((resolve) => server.on('close', () => resolve()));
    // 'é' is two bytes: the cap falls on a character boundary here.
    assert.equal(await response.text(8), 'éééé');
    await closed;
  },
);

void test(
  'headers: names lower-cased, the first of a repeated one, odd names kept as data',
  { timeout: 10_000 },
  async (t) => {
    const { transport, url } = await setup(t, (_request, res) => {
      res.setHeader('Constructor', 'c');
      res.setHeader('X-Twice', ['one', 'two']);
      res.setHeader('__proto__', 'p');
      res.end();
    });
    const response = await transport.request(call(url), new Cancellation());
    await response.dump();
    assert.equal(response.headers.constructor, 'c');
    assert.equal(response.headers['x-twice'], 'one');
    assert.equal(Object.getPrototypeOf(response.headers), Object.prototype);
    assert.equal(Object.hasOwn(response.headers, '__proto__'), false);
  },
);

void test('a reader behind by HIGH_WATER_BYTES pauses the socket; emptying the queue resumes it', async () => {
  let answered: HttpResponse | undefined;
  const exchange = new UndiciExchange(new Cancellation(), (error) => error as Error, {
    resolve: (value: never) => (answered = value),
    reject: (error) => assert.fail(String(error)),
  });
  let resumed = 0;
  exchange.onConnect(() => assert.fail('not cut'));
  assert.equal(
    exchange.onHeaders(200, [], () => (resumed += 1)),
    true,
  );
  assert.equal(answered, exchange);
  const chunk = Buffer.alloc(HIGH_WATER_BYTES / 4);
  assert.equal(exchange.onData(chunk), true);
  assert.equal(exchange.onData(chunk), true);
  assert.equal(exchange.onData(chunk), true);
  // The fourth chunk fills the queue: undici is told to pause.
  assert.equal(exchange.onData(chunk), false);
  assert.equal(exchange.takeBuffered(), chunk);
  assert.equal(resumed, 0, 'still three chunks queued');
  exchange.takeBuffered();
  exchange.takeBuffered();
  assert.equal((await exchange.next()).done, false);
  assert.equal(resumed, 1, 'resumed once the queue is empty');
  assert.equal(exchange.takeBuffered(), undefined);
  exchange.onComplete();
  assert.deepEqual(await exchange.next(), { done: true, value: undefined });
});

void test('a failure mid-body drops what was queued: the next read reports it', async () => {
  const exchange = new UndiciExchange(new Cancellation(), (error) => error as Error, {
    resolve: () => undefined,
    reject: (error) => assert.fail(String(error)),
  });
  exchange.onConnect(() => undefined);
  exchange.onHeaders(200, [], () => undefined);
  exchange.onData(Buffer.from('queued'));
  const failure = new Error('socket reset');
  exchange.onError(failure);
  await assert.rejects(exchange.next(), (error) => error === failure);
});

void test('hop-by-hop headers are left out of the answer', { timeout: 10_000 }, async (t) => {
  const { transport, url } = await setup(t, (_request, res) => {
    res.setHeader('Keep-Alive', 'timeout=5');
    res.setHeader('X-Request-Id', 'req-1');
    // Two writes: the body goes out chunked, with transfer-encoding.
    res.write('chunked ');
    res.end('body');
  });
  const response = await transport.request(call(url), new Cancellation());
  assert.equal(await response.text(), 'chunked body');
  assert.equal(response.headers['x-request-id'], 'req-1');
  for (const name of ['connection', 'keep-alive', 'transfer-encoding']) {
    assert.equal(response.headers[name], undefined, name);
  }
});

void test(
  'discard() keeps the connection when the body ends, and cuts one that lingers past its bound',
  { timeout: 10_000 },
  async (t) => {
    const lingering: ServerResponse[] = [];
    const { transport, url, connections } = await setup(t, (request, res) => {
      res.writeHead(200);
      res.write('data: [DONE]\n\n');
      if (request.url === '/linger') lingering.push(res);
      // The end follows the terminator on the next turn, as a real upstream's would.
      else setImmediate(() => res.end());
    });
    const ending = await transport.request(call(`${url}/end`), new Cancellation());
    ending.discard(60_000);
    const reused = await transport.request(call(`${url}/end`), new Cancellation());
    reused.discard(60_000);
    assert.equal(connections(), 1);

    const stuck = await transport.request(call(`${url}/linger`), new Cancellation());
    const server = lingering[0]!;
    const closed = new Promise<void>((resolve) => server.on('close', () => resolve()));
    stuck.discard(20);
    await closed;
  },
);

void test(
  'text() with a cap the body fits exactly reads it to its end and keeps the connection',
  { timeout: 10_000 },
  async (t) => {
    let server!: ServerResponse;
    const { transport, url, connections } = await setup(t, (_request, res) => {
      // The cap's worth of body now; its end when the test says so.
      server = res;
      res.write('12345678');
    });
    for (let round = 0; round < 2; round++) {
      const response = await transport.request(call(url), new Cancellation());
      const text = response.text(8);
      server.end();
      assert.equal(await text, '12345678');
    }
    assert.equal(connections(), 1);
  },
);

void test(
  'text() on a body cut short rejects with APIConnectionError',
  { timeout: 10_000 },
  async (t) => {
    const { transport, url } = await setup(t, (_request, res) => {
      // Promises 100 bytes, sends 10, and drops the connection.
      res.writeHead(200, { 'content-length': '100' });
      res.write('0123456789', () => res.socket?.destroy());
    });
    const response = await transport.request(call(url), new Cancellation());
    await assert.rejects(response.text(), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.kind, 'APIConnectionError');
      return true;
    });
  },
);
