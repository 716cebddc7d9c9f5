import type { RedisSettings } from '../config/plan.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore, type RedisStoreOptions } from './redis-store.ts';
import type { StateStore } from './state-store.ts';

/** The store for a plan: Redis when `router_settings` configure one, else in-memory. */
export function createStateStore(
  settings: RedisSettings | undefined,
  options: RedisStoreOptions,
): StateStore {
  return settings === undefined
    ? createMemoryStore({ clock: options.clock })
    : createRedisStore(settings, options);
}
