import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFakeClock, type FakeClock } from '../testing/fake-clock.ts';
import { createCounterSync, type CounterSync } from './counter-sync.ts';
import { createMemoryStore } from './memory-store.ts';
import { sharedBackend } from './shared-backend.test-helper.ts';
import type { StateStore } from './state-store.ts';

const TTL = 60_000;

function syncOn(store: StateStore, clock: FakeClock, expired?: (field: string) => boolean) {
  return createCounterSync({
    store,
    clock,
    ttlMs: TTL,
    expired: expired && ((field) => expired(field)),
  });
}

const value = (sync: CounterSync, key: string, field: string): number | undefined =>
  sync.totals(key).get(field);

void describe('counter sync', () => {
  void test('an add is in this instance’s totals at once, before any flush', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const sync = syncOn(backend.store(), clock);
    sync.add('k', 'f', 2);
    sync.add('k', 'f', 1);
    assert.equal(value(sync, 'k', 'f'), 3);
    assert.equal(backend.batches.length, 0, 'nothing was sent yet');
    await sync.close();
  });

  void test('total reads one field as totals() shows it, and keeps the key watched', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const ended = new Set<string>();
    const [one, two] = [syncOn(backend.store(), clock), syncOn(backend.store(), clock)];
    const reader = syncOn(backend.store(), clock, (field) => ended.has(field));
    one.add('k', 'f', 2);
    two.add('k', 'f', 5);
    assert.equal(reader.total('k', 'f'), 0, 'nothing synced yet');
    await clock.advanceAsync(100);
    await clock.advanceAsync(100);
    reader.add('k', 'f', 1);
    assert.equal(reader.total('k', 'f'), 8, 'every instance at the last flush, plus its own');
    assert.equal(reader.total('k', 'f'), value(reader, 'k', 'f'));
    assert.equal(reader.total('k', 'other'), 0);
    ended.add('f');
    assert.equal(reader.total('k', 'f'), 0, 'an expired field counts nothing');
    await Promise.all([one.close(), two.close(), reader.close()]);
  });

  void test('the timer flushes every 100 ms and each instance sees the sum of all', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const [one, two] = [syncOn(backend.store(), clock), syncOn(backend.store(), clock)];
    one.add('k', 'f', 2);
    two.add('k', 'f', 5);
    await clock.advanceAsync(100);
    await clock.advanceAsync(100);
    assert.equal(value(one, 'k', 'f'), 7);
    assert.equal(value(two, 'k', 'f'), 7);
    await Promise.all([one.close(), two.close()]);
  });

  void test('a flush sends each delta once, in one batch with the reads', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const sync = syncOn(backend.store(), clock);
    sync.add('a', 'f', 1);
    sync.add('b', 'f', 1);
    sync.totals('watched');
    await sync.flush();
    await sync.flush();
    assert.equal(backend.batches[0]?.writes.length, 2);
    assert.deepEqual(backend.batches[0]?.reads, ['watched']);
    assert.deepEqual(backend.batches[1]?.writes, [], 'nothing is sent twice');
    assert.deepEqual(value(sync, 'a', 'f'), 1);
    await sync.close();
  });

  void test('others’ deltas are announced; one’s own are not', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const [one, two] = [syncOn(backend.store(), clock), syncOn(backend.store(), clock)];
    const heardByOne: string[][] = [];
    one.onRemoteChange((keys) => heardByOne.push([...keys]));
    one.add('k', 'f', 1);
    await one.flush();
    assert.deepEqual(heardByOne, [], 'its own delta is no news');
    two.add('k', 'f', 1);
    await two.flush();
    await one.flush();
    assert.deepEqual(heardByOne, [['k']]);
    await Promise.all([one.close(), two.close()]);
  });

  void test('a failed flush keeps the deltas, and they are sent when the store answers', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const sync = syncOn(backend.store(), clock);
    backend.state.failing = true;
    sync.add('k', 'f', 2);
    await sync.flush();
    assert.equal(value(sync, 'k', 'f'), 2, 'still counted here');
    sync.add('k', 'f', 1);
    backend.state.failing = false;
    await sync.flush();
    const reader = syncOn(backend.store(), clock);
    reader.totals('k');
    await reader.flush();
    assert.equal(value(reader, 'k', 'f'), 3);
    assert.equal(value(sync, 'k', 'f'), 3);
    await Promise.all([sync.close(), reader.close()]);
  });

  void test('while the store is degraded nothing is sent; back to connected, it flushes at once', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const sync = syncOn(backend.store(), clock);
    backend.setStatus('degraded');
    sync.add('k', 'f', 4);
    await clock.advanceAsync(500);
    assert.equal(backend.batches.length, 0);
    backend.setStatus('connected');
    await sync.flush();
    assert.deepEqual(backend.batches[0]?.writes[0]?.deltas, { f: 4 });
    await sync.close();
  });

  void test('a store that lost its data gets every instance’s contributions again', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const [one, two] = [syncOn(backend.store(), clock), syncOn(backend.store(), clock)];
    one.add('k', 'f', 2);
    two.add('k', 'f', 3);
    await one.flush();
    await two.flush();
    backend.wipe();
    // Each notices the new epoch on its next flush and sends its part again on the one after;
    // a last read brings the second instance's part to the first.
    for (let round = 0; round < 2; round += 1) {
      await one.flush();
      await two.flush();
    }
    await one.flush();
    assert.equal(value(one, 'k', 'f'), 5);
    assert.equal(value(two, 'k', 'f'), 5);
    const reader = syncOn(backend.store(), clock);
    reader.totals('k');
    await reader.flush();
    assert.equal(value(reader, 'k', 'f'), 5, 'the store holds the sum again, counted once');
    await Promise.all([one.close(), two.close(), reader.close()]);
  });

  void test('expired fields leave the view and are deleted from the store', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const ended = new Set<string>();
    const sync = syncOn(backend.store(), clock, (field) => ended.has(field));
    sync.add('k', 'old', 1);
    sync.add('k', 'new', 1);
    await sync.flush();
    ended.add('old');
    assert.deepEqual([...sync.totals('k').keys()], ['new']);
    await sync.flush();
    assert.deepEqual(backend.batches.at(-1)?.removals, [{ key: 'k', fields: ['old'] }]);
    await sync.close();
  });

  void test('a key unused for the ttl is no longer read back', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const sync = syncOn(backend.store(), clock);
    sync.totals('k');
    await sync.flush();
    assert.deepEqual(backend.batches.at(-1)?.reads, ['k']);
    clock.set(clock.now() + TTL + 1);
    const sent = backend.batches.length;
    await sync.flush();
    assert.equal(backend.batches.length, sent, 'nothing left to read');
    await sync.close();
  });

  void test('close stops the timer after a last flush', async () => {
    const clock = createFakeClock();
    const backend = sharedBackend(clock);
    const sync = syncOn(backend.store(), clock);
    sync.add('k', 'f', 1);
    await sync.close();
    assert.equal(backend.batches.length, 1);
    assert.equal(clock.pendingTimers(), 0);
  });

  void test('rejects a ttl or interval that is not positive', () => {
    const clock = createFakeClock();
    const store = createMemoryStore({ clock });
    assert.throws(() => createCounterSync({ store, clock, ttlMs: 0 }), RangeError);
    assert.throws(() => createCounterSync({ store, clock, ttlMs: 1, intervalMs: 0 }), RangeError);
  });
});
