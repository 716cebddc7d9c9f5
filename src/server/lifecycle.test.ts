import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import type { CancelSignal } from '../core/cancellation.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { createFakeClock, type FakeClock } from '../testing/fake-clock.ts';
import { buildServer, type GatewayServer } from './build-server.ts';
import {
  chunk,
  createStubEngine,
  gate,
  GENERAL,
  scriptedStream,
  sseData,
  START_MS,
  type StubEngine,
} from './stub-engine.test-helper.ts';

const STREAM_BODY = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true };
const CHAT_BODY = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

let server: GatewayServer | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  agent?.destroy();
  agent = undefined;
  await server?.app.close();
  server = undefined;
});

function start(engine: StubEngine, clock: FakeClock = createFakeClock(START_MS)): GatewayServer {
  server = buildServer({ engine, general: GENERAL, clock });
  return server;
}

async function listen(gateway: GatewayServer): Promise<number> {
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  return (gateway.app.server.address() as AddressInfo).port;
}

interface OpenRequest {
  readonly request: ClientRequest;
  readonly response: Promise<IncomingMessage>;
}

/** Sends a JSON POST over a real socket; the response resolves at its headers. */
function post(port: number, path: string, body: unknown, keepAlive?: Agent): OpenRequest {
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    agent: keepAlive,
  });
  // A destroyed request rejects with ECONNRESET; the tests that destroy it expect that.
  request.on('error', () => undefined);
  const response = once(request, 'response').then(([message]) => message as IncomingMessage);
  response.catch(() => undefined);
  request.end(JSON.stringify(body));
  return { request, response };
}

/**
 * Resolves with the text received so far once it contains `marker`, leaving the response
 * paused and readable (leaving a for-await loop early would destroy it).
 */
function readUntil(response: IncomingMessage, marker: string): Promise<string> {
  response.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (piece: string): void => {
      text += piece;
      if (!text.includes(marker)) return;
      response.off('data', onData);
      response.pause();
      resolve(text);
    };
    response.on('data', onData);
    response.once('error', reject);
  });
}

async function readAll(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const piece of response) text += piece as string;
  return text;
}

/** A stream whose second chunk waits for `release`, or fails when the request is aborted. */
function heldStream(engine: StubEngine, release: Promise<void>, onReturn?: () => void): void {
  engine.answerStream = (call) =>
    Promise.resolve(
      scriptedStream({
        chunks: [chunk('first'), chunk('second')],
        onReturn,
        beforeEachLaterChunk: () =>
          new Promise<void>((resolve, reject) => {
            void release.then(resolve);
            call.options?.signal?.addEventListener('abort', () =>
              reject(new GatewayError('APIConnectionError', 'client went away')),
            );
          }),
      }),
    );
}

/** Resolves once `signal` aborts (the server hands the engine a CancelSignal, not an EventTarget). */
function untilAborted(signal: CancelSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', resolve);
  });
}

void describe('client disconnect', () => {
  void test('aborts the signal the engine received for a pending request', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () => new Promise(() => undefined);
    const gateway = start(engine);
    const port = await listen(gateway);
    const { request } = post(port, '/v1/chat/completions', CHAT_BODY);
    const call = await engine.nextCall();
    const signal = call.options!.signal!;
    assert.equal(signal.aborted, false);
    request.destroy();
    await untilAborted(signal);
    assert.equal(signal.aborted, true);
    // Built only when read (Cancellation.abortLazily), and then as an AbortSignal's would be.
    const reason = signal.reason as DOMException;
    assert.equal(reason.name, 'AbortError');
    assert.equal(reason.message, 'The client closed the connection');
  });

  void test('aborts the signal of an open stream', async () => {
    const engine = createStubEngine();
    const held = gate();
    heldStream(engine, held.promise);
    const gateway = start(engine);
    const port = await listen(gateway);
    const { request, response } = post(port, '/v1/chat/completions', STREAM_BODY);
    const call = await engine.nextCall();
    await readUntil(await response, 'first');
    request.destroy();
    await untilAborted(call.options!.signal!);
    assert.equal(call.options!.signal!.aborted, true);
  });

  void test('stops iterating the stream (its return() is called) when chunks keep coming', async () => {
    const engine = createStubEngine();
    const held = gate();
    const returned = gate();
    // This stream ignores the abort and hands over its next chunk once released.
    engine.answerStream = () =>
      Promise.resolve(
        scriptedStream({
          chunks: [chunk('first'), chunk('second'), chunk('third')],
          beforeEachLaterChunk: () => held.promise,
          onReturn: returned.open,
        }),
      );
    const gateway = start(engine);
    const port = await listen(gateway);
    const { request, response } = post(port, '/v1/chat/completions', STREAM_BODY);
    const call = await engine.nextCall();
    await readUntil(await response, 'first');
    request.destroy();
    await untilAborted(call.options!.signal!);
    held.open();
    await returned.promise;
  });

  void test('does not abort the signal of a request that completed', async () => {
    const engine = createStubEngine();
    const gateway = start(engine);
    const port = await listen(gateway);
    const { response } = post(port, '/v1/chat/completions', CHAT_BODY);
    await readAll(await response);
    assert.equal(engine.calls[0]?.options?.signal?.aborted, false);
  });
});

void describe('drain', () => {
  void test('turns readiness to 503 at once', async () => {
    const gateway = start(createStubEngine());
    gateway.markReady();
    assert.equal(
      (await gateway.app.inject({ method: 'GET', url: '/health/readiness' })).statusCode,
      200,
    );
    const drained = gateway.drain();
    // inject is refused once fastify has started closing; issued in the same tick it still runs.
    const response = await gateway.app.inject({ method: 'GET', url: '/health/readiness' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().status, 'unhealthy');
    await drained;
  });

  void test('is idempotent', async () => {
    const gateway = start(createStubEngine());
    const first = gateway.drain();
    assert.equal(gateway.drain(), first);
    await first;
  });

  // The keep-alive timeout is 72 s: a drain that waited for it instead of closing the idle
  // connection would fail here, not just run long.
  void test(
    'waits for an in-flight stream to finish, then resolves',
    { timeout: 10_000 },
    async () => {
      const engine = createStubEngine();
      const held = gate();
      heldStream(engine, held.promise);
      const gateway = start(engine);
      const port = await listen(gateway);
      agent = new Agent({ keepAlive: true });
      const { response } = post(port, '/v1/chat/completions', STREAM_BODY, agent);
      const message = await response;
      const head = await readUntil(message, 'first');

      let resolved = false;
      const drained = gateway.drain().then(() => {
        resolved = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(resolved, false, 'drain must wait for the open stream');

      held.open();
      const rest = await readAll(message);
      await drained;
      const events = sseData(head + rest);
      assert.equal(events.at(-1), '[DONE]');
      assert.equal(events.length, 3);
    },
  );

  void test(
    'waits for an in-flight JSON request to be answered, then resolves',
    { timeout: 10_000 },
    async () => {
      const engine = createStubEngine();
      const held = gate();
      const answer = engine.answerRoute;
      engine.answerRoute = async (call) => {
        await held.promise;
        return answer(call);
      };
      const gateway = start(engine);
      const port = await listen(gateway);
      agent = new Agent({ keepAlive: true });
      const { response } = post(port, '/v1/chat/completions', CHAT_BODY, agent);
      await engine.nextCall();
      const drained = gateway.drain();
      held.open();
      const message = await response;
      assert.equal(message.statusCode, 200);
      // The client must not send its next request on a connection the drain will close.
      assert.equal(message.headers.connection, 'close');
      assert.equal(JSON.parse(await readAll(message)).id, 'chatcmpl-1');
      await drained;
    },
  );

  void test(
    'an error answered during a drain, and a stream that starts during it, close their connections',
    { timeout: 10_000 },
    async () => {
      const engine = createStubEngine();
      const held = gate();
      engine.answerRoute = async () => {
        await held.promise;
        throw new GatewayError('RateLimitError', 'slow down');
      };
      const answerStream = engine.answerStream;
      engine.answerStream = async (call) => {
        await held.promise;
        return answerStream(call);
      };
      const gateway = start(engine);
      const port = await listen(gateway);
      agent = new Agent({ keepAlive: true });
      const failing = post(port, '/v1/chat/completions', CHAT_BODY, agent);
      const streaming = post(port, '/v1/chat/completions', STREAM_BODY, agent);
      await engine.nextCall();
      await engine.nextCall();
      const drained = gateway.drain();
      held.open();
      const error = await failing.response;
      assert.equal(error.statusCode, 429);
      assert.equal(error.headers.connection, 'close');
      const stream = await streaming.response;
      assert.equal(stream.statusCode, 200);
      assert.equal(stream.headers.connection, 'close');
      assert.equal(sseData(await readAll(stream)).at(-1), '[DONE]');
      await readAll(error);
      await drained;
    },
  );

  void test('cuts the connections left after drainTimeoutMs, aborting their engine calls', async () => {
    const engine = createStubEngine();
    heldStream(engine, new Promise(() => undefined));
    const clock = createFakeClock(START_MS);
    const gateway = start(engine, clock);
    const port = await listen(gateway);
    const { response } = post(port, '/v1/chat/completions', STREAM_BODY);
    const call = await engine.nextCall();
    const message = await response;
    await readUntil(message, 'first');
    message.on('error', () => undefined);

    const drained = gateway.drain();
    clock.advance(GENERAL.drainTimeoutMs - 1);
    assert.equal(call.options!.signal!.aborted, false);
    clock.advance(1);
    await untilAborted(call.options!.signal!);
    await drained;
  });
});

void describe('slow client', () => {
  /** Event-loop turns until `read()` has not changed for 50 of them (at most 20,000). */
  async function settled(read: () => number): Promise<number> {
    let last = read();
    let still = 0;
    for (let turn = 0; turn < 20_000 && still < 50; turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = read();
      still = now === last ? still + 1 : 0;
      last = now;
    }
    return last;
  }

  const total = 3_000;
  // ~25 MB of events: far more than the loopback socket buffers can hold.
  const piece = 'x'.repeat(8 * 1024);

  /** An engine whose stream has `total` big chunks; counts the pulls and notes the release. */
  function bigStream(): { engine: StubEngine; pulled: () => number; released: Promise<void> } {
    let pulled = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const engine = createStubEngine();
    engine.answerStream = () =>
      Promise.resolve({
        ...scriptedStream({ chunks: [] }),
        [Symbol.asyncIterator]: () => ({
          next: () => {
            if (pulled === total) return Promise.resolve({ done: true as const, value: undefined });
            pulled += 1;
            return Promise.resolve({ done: false as const, value: chunk(piece) });
          },
          return: () => {
            release();
            return Promise.resolve({ done: true as const, value: undefined });
          },
        }),
      });
    return { engine, pulled: () => pulled, released };
  }

  void test('a client that stops reading stops the stream being pulled; reading again resumes it', async () => {
    const stream = bigStream();
    const { engine } = stream;
    const gateway = start(engine);
    const port = await listen(gateway);
    const { response } = post(port, '/v1/chat/completions', STREAM_BODY);
    const message = await response;
    const head = await readUntil(message, piece);
    const whilePaused = await settled(stream.pulled);
    assert.ok(
      whilePaused < total,
      `pulled ${whilePaused} of ${total} while the client read nothing`,
    );
    message.resume();
    const events = sseData(head + (await readAll(message)));
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(events.length, total + 1);
    assert.equal(stream.pulled(), total);
  });

  void test('a client that takes nothing for the stall timeout is disconnected, and its stream let go', async () => {
    const clock = createFakeClock(START_MS);
    const stream = bigStream();
    server = buildServer({
      engine: stream.engine,
      general: GENERAL,
      clock,
      clientStallTimeoutMs: 5_000,
    });
    const port = await listen(server);
    const { response } = post(port, '/v1/chat/completions', STREAM_BODY);
    const message = await response;
    // Should a check fail with the connection still open, it is cut here: closing the server
    // afterwards would wait for it.
    try {
      await readUntil(message, piece);
      const whilePaused = await settled(stream.pulled);
      assert.ok(whilePaused < total);
      let released = false;
      void stream.released.then(() => (released = true));
      clock.advance(4_999);
      await settled(() => (released ? 1 : 0));
      assert.equal(released, false, 'not before the stall timeout');
      clock.advance(1);
      await settled(() => (released ? 1 : 0));
      assert.equal(released, true, 'let go at the stall timeout');
      // What the client had not read is still on its side of the connection, then it ends:
      // without [DONE], the answer incomplete.
      let text = '';
      message.setEncoding('utf8');
      message.on('data', (piece: string) => (text += piece));
      const failure = new Promise<Error>((resolve) => message.once('error', resolve));
      message.resume();
      assert.match((await failure).message, /aborted/);
      assert.equal(message.complete, false);
      assert.notEqual(sseData(text).at(-1), '[DONE]');
      assert.equal(stream.pulled(), whilePaused, 'nothing more is pulled for a client that left');
    } finally {
      message.destroy();
    }
  });
});
