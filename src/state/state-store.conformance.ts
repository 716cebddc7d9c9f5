/**
 * The behaviours every StateStore must show, run by each implementation's test file (like
 * hono's shared router suite). A subject creates stores that share state with each other.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clock } from '../core/clock.ts';
import { createFakeClock } from '../testing/fake-clock.ts';
import type {
  CounterBatch,
  SharedBench,
  SharedHealthResult,
  StateStore,
  StoreStatus,
} from './state-store.ts';

export interface StateStoreSubject {
  /** `count` stores sharing one fresh namespace, each ready to use. */
  createShared(clock: Clock, count: number): Promise<StateStore[]>;
  /** Whether stores of one namespace reach each other (false for the in-memory store). */
  readonly shares: boolean;
  /** The status of a freshly created, working store. */
  readonly readyStatus: StoreStatus;
}

/**
 * Resolves with the next bench `store` hears (for `deploymentId` when given); rejects after
 * `timeoutMs` of real time.
 */
export function nextBench(
  store: StateStore,
  deploymentId?: string,
  timeoutMs = 2_000,
): Promise<SharedBench> {
  return nextEvent(
    (resolve) =>
      store.onBench((bench) => {
        if (deploymentId === undefined || bench.deploymentId === deploymentId) resolve(bench);
      }),
    timeoutMs,
    `bench ${deploymentId ?? ''}`,
  );
}

/** Resolves once `store` reports `status` (at once if it already does). */
export function untilStatus(
  store: StateStore,
  status: StoreStatus,
  timeoutMs = 3_000,
): Promise<void> {
  if (store.status() === status) return Promise.resolve();
  return nextEvent<void>(
    (resolve) => store.onStatus((next) => next === status && resolve()),
    timeoutMs,
    `status ${status}`,
  );
}

/** Resolves with the next health round `store` hears; rejects after `timeoutMs` of real time. */
export function nextHealth(
  store: StateStore,
  timeoutMs = 2_000,
): Promise<readonly SharedHealthResult[]> {
  return nextEvent((resolve) => store.onHealth(resolve), timeoutMs, 'health round');
}

const noReads: Pick<CounterBatch, 'reads' | 'removals'> = { reads: [], removals: [] };

function nextEvent<T>(
  subscribe: (resolve: (value: T) => void) => () => void,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = subscribe((value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

export function stateStoreConformance(name: string, subject: StateStoreSubject): void {
  const clockAtRealTime = (): Clock => createFakeClock(Date.now());

  async function withStores(count: number, body: (stores: StateStore[]) => Promise<void> | void) {
    const stores = await subject.createShared(clockAtRealTime(), count);
    try {
      await body(stores);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }

  describe(`${name} conforms to StateStore`, () => {
    test('reports its status', () =>
      withStores(1, ([store]) => {
        assert.equal(store!.status(), subject.readyStatus);
      }));

    test('publishBench returns nothing and never throws, even for nonsense', () =>
      withStores(1, ([store]) => {
        const now = Date.now();
        const benches: SharedBench[] = [
          { deploymentId: 'd1', until: now + 60_000, reason: 'rate limited' },
          { deploymentId: 'd2', until: now - 1, reason: 'already over' },
          { deploymentId: '', until: Number.NaN, reason: '' },
        ];
        for (const bench of benches) assert.equal(store!.publishBench(bench), undefined);
      }));

    test('publishBench after close does nothing and does not throw', () =>
      withStores(1, async ([store]) => {
        await store!.close();
        const bench = { deploymentId: 'd1', until: Date.now() + 60_000, reason: 'x' };
        assert.doesNotThrow(() => store!.publishBench(bench));
      }));

    test('loadBenches returns only benches still running', () =>
      withStores(2, async ([writer, reader]) => {
        const now = Date.now();
        writer!.publishBench({ deploymentId: 'ended', until: now - 1_000, reason: 'old' });
        writer!.publishBench({ deploymentId: 'running', until: now + 60_000, reason: '429' });
        if (subject.shares) await nextBench(reader!);
        const loaded = await reader!.loadBenches();
        assert.ok(loaded.every((bench) => bench.until > now));
        assert.deepEqual(
          loaded.map((bench) => bench.deploymentId),
          subject.shares ? ['running'] : [],
        );
      }));

    test('close is idempotent, also when called concurrently', () =>
      withStores(1, async ([store]) => {
        await Promise.all([store!.close(), store!.close()]);
        await store!.close();
        assert.deepEqual(await store!.loadBenches(), []);
      }));

    test('an unsubscribed bench listener hears nothing more', () =>
      withStores(2, async ([listener, publisher]) => {
        const heard: string[] = [];
        const off = listener!.onBench((bench) => heard.push(bench.deploymentId));
        off();
        off();
        const arrived = subject.shares ? nextBench(listener!) : Promise.resolve(undefined);
        publisher!.publishBench({ deploymentId: 'd1', until: Date.now() + 60_000, reason: 'x' });
        await arrived;
        assert.deepEqual(heard, []);
      }));

    test('an unsubscribed status listener may be removed twice', () =>
      withStores(1, ([store]) => {
        const off = store!.onStatus(() => assert.fail('no status change expected'));
        off();
        off();
      }));

    test('syncCounters adds deltas and reads every total back in one batch', () =>
      withStores(1, async ([store]) => {
        const write = { key: 'k', deltas: { '1:calls': 2, '1:fails': 1 }, ttlMs: 60_000 };
        const first = await store!.syncCounters({ ...noReads, writes: [write] });
        const second = await store!.syncCounters({
          writes: [write],
          reads: ['absent'],
          removals: [],
        });
        assert.ok(first !== undefined && second !== undefined);
        assert.deepEqual(first.totals.get('k'), { '1:calls': 2, '1:fails': 1 });
        assert.deepEqual(second.totals.get('k'), { '1:calls': 4, '1:fails': 2 });
        assert.deepEqual(second.totals.get('absent'), {});
        assert.equal(second.epoch, first.epoch, 'the epoch stays while the store keeps its data');
      }));

    test('syncCounters removes the fields it is told to, after reading', () =>
      withStores(1, async ([store]) => {
        const deltas = { old: 1, new: 1 };
        await store!.syncCounters({ ...noReads, writes: [{ key: 'k', deltas, ttlMs: 60_000 }] });
        const removed = await store!.syncCounters({
          writes: [],
          reads: ['k'],
          removals: [{ key: 'k', fields: ['old'] }],
        });
        assert.deepEqual(removed?.totals.get('k'), { old: 1, new: 1 });
        const after = await store!.syncCounters({ writes: [], reads: ['k'], removals: [] });
        assert.deepEqual(after?.totals.get('k'), { new: 1 });
      }));

    test('syncCounters totals include the other instances’ deltas when stores share', () =>
      withStores(2, async ([a, b]) => {
        const write = { key: 'k', deltas: { f: 3 }, ttlMs: 60_000 };
        await a!.syncCounters({ ...noReads, writes: [write] });
        const seen = await b!.syncCounters({
          ...noReads,
          writes: [{ ...write, deltas: { f: 1 } }],
        });
        assert.deepEqual(seen?.totals.get('k'), { f: subject.shares ? 4 : 1 });
      }));

    test('syncCounters after close resolves undefined', () =>
      withStores(1, async ([store]) => {
        await store!.close();
        const write = { key: 'k', deltas: { f: 1 }, ttlMs: 60_000 };
        assert.equal(await store!.syncCounters({ ...noReads, writes: [write] }), undefined);
      }));

    test('a lease goes to one claimer at a time when stores share', () =>
      withStores(2, async ([a, b]) => {
        assert.equal(await a!.claimLease('round', 60_000), true);
        assert.equal(await b!.claimLease('round', 60_000), !subject.shares);
        assert.equal(await a!.claimLease('round', 60_000), !subject.shares, 'never renewed');
        assert.equal(await b!.claimLease('other', 60_000), true, 'leases are independent');
      }));

    test('a lease is free again once it expires', () =>
      withStores(2, async ([a, b]) => {
        assert.equal(await a!.claimLease('brief', 30), true);
        const deadline = Date.now() + 2_000;
        while (!(await b!.claimLease('brief', 30))) {
          assert.ok(Date.now() < deadline, 'the lease never expired');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }));

    test('a published health round reaches the others and is loaded by late comers', () =>
      withStores(3, async ([publisher, listener, late]) => {
        const heardByPublisher: unknown[] = [];
        publisher!.onHealth((results) => heardByPublisher.push(results));
        const round: SharedHealthResult[] = [
          { deploymentId: 'd1', checkedAt: Date.now(), error: undefined },
          { deploymentId: 'd2', checkedAt: Date.now(), error: 'Connection refused' },
        ];
        const heard = subject.shares ? nextHealth(listener!) : Promise.resolve([]);
        assert.equal(publisher!.publishHealth(round, 60_000), undefined);
        assert.deepEqual(await heard, subject.shares ? round : []);
        assert.deepEqual(await late!.loadHealth(), subject.shares ? round : []);
        assert.deepEqual(heardByPublisher, []);
      }));

    test('publishHealth never throws, also after close, and loadHealth then gives []', () =>
      withStores(1, async ([store]) => {
        store!.publishHealth([], 60_000);
        await store!.close();
        const result = { deploymentId: 'd1', checkedAt: Date.now(), error: undefined };
        assert.doesNotThrow(() => store!.publishHealth([result], 60_000));
        assert.deepEqual(await store!.loadHealth(), []);
      }));

    test('errorCount starts at zero on a working store', () =>
      withStores(1, ([store]) => {
        assert.equal(store!.errorCount(), 0);
      }));
  });
}
