import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouterEventMap } from '../core/router-events.ts';
import { RouterEvents } from '../core/router-events.ts';
import { createLogger, infoLineWriter } from './logger.ts';
import {
  jsonString,
  requestLogFields,
  requestLogObject,
  subscribeRequestLog,
} from './request-log.ts';

type RequestEnd = RouterEventMap['request:end'];

function requestEnd(overrides: Partial<RequestEnd> = {}, meta: object = {}): RequestEnd {
  return {
    operation: 'chat',
    stream: false,
    requestedGroup: 'gpt-4o',
    durationMs: 12,
    ttftMs: undefined,
    error: undefined,
    ...overrides,
    meta: {
      callId: '6f1c2f0e-8a55-4c57-9d3e-0d8f4f9e2b11',
      group: 'gpt-4o',
      deploymentId: 'dep-a',
      apiBase: 'http://127.0.0.1:8080/v1',
      attemptedRetries: 0,
      attemptedFallbacks: 0,
      maxRetries: 2,
      startedAt: 1_000,
      upstreamMs: 9,
      rateLimit: undefined,
      ...meta,
    },
  };
}

/** The line pino writes for `logger.info(requestLogObject(event))` and the one written directly. */
function bothLines(event: RequestEnd): [string, string] {
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line) => void lines.push(line) } });
  const writeLine = infoLineWriter(logger);
  assert.ok(writeLine, 'a logger made by createLogger takes ready lines');
  logger.info(requestLogObject(event), 'request');
  writeLine.write(requestLogFields(event), 'request');
  assert.equal(lines.length, 2);
  const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');
  return [withoutTime(lines[0]!), withoutTime(lines[1]!)];
}

test('the request line written directly is the one pino writes, byte for byte', () => {
  const cases: RequestEnd[] = [
    requestEnd(),
    requestEnd({ stream: true, ttftMs: 3.5, durationMs: 40.25 }),
    requestEnd(
      { error: { kind: 'RateLimitError', status: 429, message: 'slow down' } },
      { deploymentId: undefined, apiBase: undefined, attemptedRetries: 2, attemptedFallbacks: 1 },
    ),
    // Client and config text: quotes, backslashes, control characters, non-ASCII.
    requestEnd({ requestedGroup: 'my "model"\\\n\tname — ünïcode 模型' }, { group: 'a\u0001b' }),
    // Surrogates, paired (an emoji) and lone; a key-like call id from a client header.
    requestEnd({ requestedGroup: 'emoji 🦊 group' }, { group: 'lone \ud800 surrogate' }),
    requestEnd({}, { callId: 'client-id "quoted" \\ back', deploymentId: '\u007f\u0080' }),
  ];
  for (const event of cases) {
    const [fromPino, direct] = bothLines(event);
    assert.equal(direct, fromPino);
    assert.equal((JSON.parse(direct) as { msg: string }).msg, 'request');
  }
});

/** A logger made by createLogger at `warn`, the lines it writes, and its line writer. */
function warnLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line) => void lines.push(line) },
  });
  const writeLine = infoLineWriter(logger);
  assert.ok(writeLine, 'a logger made by createLogger takes ready lines');
  return { lines, logger, writeLine };
}

test('a ready line respects the logger level, read at each line', () => {
  const { lines, logger, writeLine } = warnLogger();
  assert.equal(writeLine.enabled(), false);
  writeLine.write(requestLogFields(requestEnd()), 'request');
  assert.equal(lines.length, 0);
  logger.level = 'info';
  assert.equal(writeLine.enabled(), true);
  writeLine.write(requestLogFields(requestEnd()), 'request');
  assert.equal(lines.length, 1);
  assert.equal((JSON.parse(lines[0]!) as { service: string }).service, 'switchyard');
});

test('a ready line carries the time it was written, to the millisecond', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_796_681_290_533 });
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line) => void lines.push(line) } });
  const writeLine = infoLineWriter(logger);
  assert.ok(writeLine);
  const timeOf = (line: string | undefined) => (JSON.parse(line ?? '') as { time: number }).time;
  writeLine.write(requestLogFields(requestEnd()), 'request');
  writeLine.write(requestLogFields(requestEnd()), 'request');
  t.mock.timers.tick(1);
  writeLine.write(requestLogFields(requestEnd()), 'request');
  t.mock.timers.tick(2_000);
  writeLine.write(requestLogFields(requestEnd()), 'request');
  assert.deepEqual(
    lines.map(timeOf),
    [1_796_681_290_533, 1_796_681_290_533, 1_796_681_290_534, 1_796_681_292_534],
  );
});

test('loggers not made by createLogger get no line writer', () => {
  const logger = createLogger({ destination: { write: () => undefined } });
  assert.equal(infoLineWriter(logger.child({ component: 'x' })), undefined);
  assert.equal(infoLineWriter({ info: () => undefined }), undefined);
});

test('a destination that wants pino metadata per line (multistream, pino-pretty) gets no line writer', () => {
  const destination = { write: () => undefined, [Symbol.for('pino.metadata')]: true };
  assert.equal(infoLineWriter(createLogger({ destination })), undefined);
});

/** A request:end event that counts how often its fields are read. */
function countedRequestEnd(): { event: RequestEnd; reads: () => number } {
  const base = requestEnd();
  let reads = 0;
  const event = new Proxy(base, {
    get(target, key, receiver) {
      reads += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { event, reads: () => reads };
}

test('the request log builds no line while info is off, on both of its paths', () => {
  const { lines, logger, writeLine } = warnLogger();
  const objectLines: unknown[] = [];
  const sink = {
    info: (fields: unknown) => void objectLines.push(fields),
    isLevelEnabled: (level: string) => logger.isLevelEnabled(level),
  };
  const events = new RouterEvents();
  const stopDirect = subscribeRequestLog(events, logger, writeLine);
  const stopObject = subscribeRequestLog(events, sink as never);

  const quiet = countedRequestEnd();
  events.emit('request:end', quiet.event);
  assert.equal(quiet.reads(), 0, 'no field of the event is read at warn');
  assert.deepEqual([lines.length, objectLines.length], [0, 0]);

  logger.level = 'info';
  const heard = countedRequestEnd();
  events.emit('request:end', heard.event);
  assert.ok(heard.reads() > 0);
  assert.deepEqual([lines.length, objectLines.length], [1, 1]);
  assert.equal((objectLines[0] as { call_id: string }).call_id, requestEnd().meta.callId);
  stopDirect();
  stopObject();
});

test('jsonString writes every string as JSON.stringify does', () => {
  const controls = Array.from({ length: 0x20 }, (_, code) => `a${String.fromCharCode(code)}b`);
  const strings = [
    '',
    'bench-a',
    'http://127.0.0.1:8080/v1?x=1&y=2',
    '6f1c2f0e-8a55-4c57-9d3e-0d8f4f9e2b11',
    'say "hi"',
    'back\\slash',
    'line\u2028separator',
    'ünïcode 模型 🦊',
    'lone \udc00 low',
    'lone \ud83e high',
    '\u007f\u0080\u00ff',
    ...controls,
    `${'x'.repeat(300)}"too long to be remembered"`,
  ];
  // Twice: the second answer comes from the remembered strings.
  for (const value of [...strings, ...strings]) {
    assert.equal(jsonString(value), JSON.stringify(value), value);
  }
  // More strings than are remembered at once: they start over, and every answer stays right.
  const many = Array.from({ length: 1_500 }, (_, index) => `model "${index}"`);
  for (const value of [...many, ...strings, ...many]) {
    assert.equal(jsonString(value), JSON.stringify(value), value);
  }
});
