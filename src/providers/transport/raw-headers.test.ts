import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawHeaders } from './raw-headers.ts';

/** undici's raw list: name, value, name, value…, as Buffers. */
function raw(...pairs: [string, string][]): Buffer[] {
  return pairs.flatMap(([name, value]) => [
    Buffer.from(name, 'latin1'),
    Buffer.from(value, 'latin1'),
  ]);
}

const ANSWER = raw(
  ['Content-Type', 'text/event-stream'],
  ['Connection', 'keep-alive'],
  ['X-RateLimit-Remaining-Requests', '99'],
  ['x-ratelimit-remaining-requests', '98'],
  ['Keep-Alive', 'timeout=5'],
  ['__proto__', 'p'],
  ['X-Request-Id', 'req-1'],
  ['Date', 'Tue, 08 Dec 2026 01:00:00 GMT'],
);

void test('every header: lower-case names, the first of a repeated one, hop-by-hop and __proto__ left out', () => {
  const all = new RawHeaders(ANSWER).all();
  assert.deepEqual(
    { ...all },
    {
      'content-type': 'text/event-stream',
      'x-ratelimit-remaining-requests': '99',
      'x-request-id': 'req-1',
      date: 'Tue, 08 Dec 2026 01:00:00 GMT',
    },
  );
  assert.equal(Object.getPrototypeOf(all), Object.prototype);
});

void test('one header, and a pick, read the same values as the whole set', () => {
  const headers = new RawHeaders(ANSWER);
  assert.equal(headers.get('content-type'), 'text/event-stream');
  assert.equal(headers.get('x-ratelimit-remaining-requests'), '99');
  assert.equal(headers.get('connection'), undefined, 'hop-by-hop');
  assert.equal(headers.get('retry-after'), undefined, 'absent');
  assert.deepEqual(
    headers.pick((name) => name.startsWith('x-')),
    { 'x-ratelimit-remaining-requests': '99', 'x-request-id': 'req-1' },
  );
});

void test('a value is decoded only when it is read', () => {
  const untouchable = Object.assign(Buffer.from('secret'), {
    toString(): string {
      throw new Error('decoded a value nobody read');
    },
  });
  const list = [...raw(['Content-Type', 'application/json']), Buffer.from('X-Other'), untouchable];
  const headers = new RawHeaders(list);
  assert.equal(headers.get('content-type'), 'application/json');
  assert.deepEqual(
    headers.pick((name) => name === 'content-type'),
    {
      'content-type': 'application/json',
    },
  );
  assert.throws(() => headers.all(), /decoded a value nobody read/);
});
