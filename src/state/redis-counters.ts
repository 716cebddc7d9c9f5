import type { CounterBatch, CounterSnapshot } from './state-store.ts';

/**
 * Counter sharing as Redis commands. Each counter is a hash `${prefix}counters:${key}`: HINCRBY
 * per field, PEXPIRE after each write (the hash lives while it is written to), HGETALL to read
 * the totals of every instance back in the same round trip, HDEL for fields nobody needs.
 *
 * `${prefix}epoch` names the Redis's memory: the first instance to find it missing sets a
 * random value (SET NX) and everyone reads it (GET) in every batch; a new value means the data
 * was lost, and instances add their earlier contributions again.
 *
 * Commands come in groups that touch one key each, because a Redis Cluster pipeline must stay
 * on one node; a single Redis gets all groups in one pipeline.
 */

/** A command as ioredis's `pipeline([...])` takes it: name, then arguments. */
export type RedisCommand = readonly [string, ...(string | number)[]];

export interface CounterCommands {
  /** Command groups, each about one key; the first is the epoch. */
  readonly groups: readonly (readonly RedisCommand[])[];
  /** Turns the replies (per group, per command, errors already thrown) into the snapshot. */
  parse(replies: readonly (readonly unknown[])[]): CounterSnapshot;
}

export function counterKey(prefix: string, key: string): string {
  return `${prefix}counters:${key}`;
}

export function epochKey(prefix: string): string {
  return `${prefix}epoch`;
}

/** The commands for one batch; `newEpoch` is set as the epoch when none exists. */
export function counterCommands(
  prefix: string,
  batch: CounterBatch,
  newEpoch: string,
): CounterCommands {
  const epoch = epochKey(prefix);
  const groups: RedisCommand[][] = [
    [
      ['set', epoch, newEpoch, 'NX'],
      ['get', epoch],
    ],
  ];
  /** Which group reads each key's totals back, and at which position. */
  const readAt = new Map<string, { group: number; index: number }>();
  const byKey = new Map<string, RedisCommand[]>();
  const groupOf = (key: string): RedisCommand[] => {
    let group = byKey.get(key);
    if (group === undefined) {
      group = [];
      byKey.set(key, group);
      groups.push(group);
    }
    return group;
  };
  for (const write of batch.writes) {
    const redisKey = counterKey(prefix, write.key);
    const group = groupOf(write.key);
    for (const [field, delta] of Object.entries(write.deltas)) {
      if (Number.isSafeInteger(delta) && delta !== 0)
        group.push(['hincrby', redisKey, field, delta]);
    }
    group.push(['pexpire', redisKey, Math.max(1, Math.ceil(write.ttlMs))]);
  }
  for (const key of [...batch.writes.map((write) => write.key), ...batch.reads]) {
    if (readAt.has(key)) continue;
    const group = groupOf(key);
    readAt.set(key, { group: groups.indexOf(group), index: group.length });
    group.push(['hgetall', counterKey(prefix, key)]);
  }
  for (const { key, fields } of batch.removals) {
    if (fields.length > 0) groupOf(key).push(['hdel', counterKey(prefix, key), ...fields]);
  }
  return {
    groups,
    parse(replies) {
      const stored = replies[0]?.[1];
      const totals = new Map<string, Readonly<Record<string, number>>>();
      for (const [key, { group, index }] of readAt) {
        totals.set(key, numericFields(replies[group]?.[index]));
      }
      return { epoch: typeof stored === 'string' ? stored : newEpoch, totals };
    },
  };
}

/** HGETALL's answer with the fields that hold integers; anything else is not ours. */
function numericFields(reply: unknown): Readonly<Record<string, number>> {
  const fields: Record<string, number> = {};
  if (typeof reply !== 'object' || reply === null) return fields;
  for (const [field, raw] of Object.entries(reply as Record<string, unknown>)) {
    const value = typeof raw === 'string' ? Number(raw) : Number.NaN;
    if (Number.isSafeInteger(value)) fields[field] = value;
  }
  return fields;
}
