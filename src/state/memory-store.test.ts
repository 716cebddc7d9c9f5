import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStateStore } from './create-state-store.ts';
import { createMemoryStore } from './memory-store.ts';
import { stateStoreConformance } from './state-store.conformance.ts';
import { systemClock } from '../core/clock.ts';

stateStoreConformance('memory store', {
  shares: false,
  readyStatus: 'none',
  createShared: (_clock, count) =>
    Promise.resolve(Array.from({ length: count }, () => createMemoryStore())),
});

test('createStateStore gives the memory store when no Redis is configured', async () => {
  const store = createStateStore(undefined, { clock: systemClock });
  assert.equal(store.kind, 'memory');
  assert.equal(store.status(), 'none');
  await store.close();
});
