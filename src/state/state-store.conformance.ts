/**
 * The behaviours every StateStore must show, run by each implementation's test file (like
 * hono's shared router suite). A subject creates stores that share state with each other.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clock } from '../core/clock.ts';
import { createFakeClock } from '../testing/fake-clock.ts';
import type { SharedBench, StateStore, StoreStatus } from './state-store.ts';

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

    test('errorCount starts at zero on a working store', () =>
      withStores(1, ([store]) => {
        assert.equal(store!.errorCount(), 0);
      }));
  });
}
