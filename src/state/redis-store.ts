import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import type { RedisSettings } from '../config/plan.ts';
import type { Clock } from '../core/clock.ts';
import { BENCH_SCRIPT } from './bench-script.ts';
import {
  benchChannel,
  benchKey,
  benchKeyPattern,
  decodeBenchMessage,
  decodeStoredBench,
  deploymentIdOfKey,
  encodeBenchMessage,
  encodeStoredBench,
} from './bench-wire.ts';
import {
  decodeHealthMessage,
  decodeHealthRound,
  encodeHealthMessage,
  encodeHealthRound,
  healthChannel,
  healthKey,
  leaseKey,
} from './health-wire.ts';
import { createListenerSet } from './listener-set.ts';
import { connect, quit, type Client, type Connections } from './redis-connection.ts';
export { reconnectDelayMs } from './redis-connection.ts';
import { counterCommands, type RedisCommand } from './redis-counters.ts';
import { describeRedisTarget } from './redis-target.ts';
import { createStoreBreaker } from './store-breaker.ts';
import type { SharedBench, SharedHealthResult, StateStore, StoreStatus } from './state-store.ts';

/**
 * The Redis store (with redis-connection.ts, the only files importing ioredis). Two connections, one for commands and one
 * subscribed to bench and health announcements. Nothing here may make a request wait: the offline queue
 * is off (a command while disconnected fails at once instead of queueing), commands have a
 * short timeout, a breaker stops sending after consecutive failures, and the clients reconnect
 * in the background forever. ioredis itself is loaded in that background step too (see
 * redis-connection.ts): until it is, the store is degraded and a command is a counted miss.
 */
export interface RedisStoreOptions {
  readonly clock: Clock;
  /** Tells this instance's announcements from the others'. Default: a random UUID. */
  readonly instanceId?: string | undefined;
  /** Timeout of each Redis command, in ms. Default 200. */
  readonly commandTimeoutMs?: number | undefined;
  /** Gets one line per outage (the first failure), never one per retry. */
  readonly logger?: { warn(message: string): void } | undefined;
  /** Consecutive failures that stop commands until Redis is ready again. Default 3. */
  readonly breakerThreshold?: number | undefined;
  /** While the breaker is open, one probe command per this many ms. Default 5_000. */
  readonly breakerProbeMs?: number | undefined;
}

export interface RedisStateStore extends StateStore {
  readonly kind: 'redis';
  readonly instanceId: string;
  /** Commands actually handed to the client since start (the breaker holds the others back). */
  commandsSent(): number;
}

const MGET_BATCH = 500;
const SCAN_COUNT = 500;

/** Starts connecting at once; status is 'degraded' until both connections are ready. */
export function createRedisStore(
  settings: RedisSettings,
  options: RedisStoreOptions,
): RedisStateStore {
  const { clock, logger } = options;
  const instanceId = options.instanceId ?? randomUUID();
  const prefix = settings.keyPrefix;
  const channel = benchChannel(prefix);
  const healthChan = healthChannel(prefix);
  const target = describeRedisTarget(settings);
  const breaker = createStoreBreaker({
    clock,
    threshold: options.breakerThreshold,
    probeAfterMs: options.breakerProbeMs,
  });
  // A throwing listener is the caller's bug; it counts as an error and stays contained.
  const benchListeners = createListenerSet<SharedBench>(() => void (errors += 1));
  const statusListeners = createListenerSet<StoreStatus>(() => void (errors += 1));
  const healthListeners = createListenerSet<readonly SharedHealthResult[]>(
    () => void (errors += 1),
  );

  let errors = 0;
  let sent = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  let warned = false;
  let commandsReady = false;
  let subscribed = false;
  let current: StoreStatus = 'degraded';

  // Set once ioredis is loaded and both clients exist (a few ms after start-up).
  let clients: Connections | undefined;

  /** One warning per outage: the first failure after start or after being connected. */
  function failed(error: unknown): void {
    errors += 1;
    if (warned || closed) return;
    warned = true;
    const reason = error instanceof Error ? error.message : String(error);
    logger?.warn(
      `${target} is unreachable (${reason}): serving on local state; benches are not shared ` +
        'with other instances until it returns. Reconnecting in the background.',
    );
  }

  function update(): void {
    if (closed) return;
    // Sharing works only with both: commands record and announce, the subscriber hears.
    const next: StoreStatus = commandsReady && subscribed ? 'connected' : 'degraded';
    if (next === current) return;
    current = next;
    if (next === 'connected') warned = false;
    else if (!warned) failed(new Error('connection lost'));
    statusListeners.emit(next);
  }

  const handlers = {
    commandsReady: (): void => {
      commandsReady = true;
      breaker.reset();
      update();
    },
    commandsClosed: (): void => {
      commandsReady = false;
      update();
    },
    subscriberReady: (): void => {
      clients?.subscriber.subscribe(channel, healthChan).then(
        () => {
          subscribed = true;
          update();
        },
        (error: unknown) => failed(error),
      );
    },
    subscriberClosed: (): void => {
      subscribed = false;
      update();
    },
    error: (error: unknown): void => {
      if (!closed) failed(error);
    },
    message: (from: string, raw: string): void => {
      if (closed) return;
      if (from === channel) {
        const decoded = decodeBenchMessage(raw);
        if (decoded !== undefined && decoded.origin !== instanceId) {
          benchListeners.emit(decoded.bench);
        }
      } else if (from === healthChan) {
        const decoded = decodeHealthMessage(raw);
        if (decoded !== undefined && decoded.origin !== instanceId) {
          healthListeners.emit(decoded.results);
        }
      }
    },
  };

  function listen(opened: Connections): void {
    const { commands, subscriber } = opened;
    commands.on('ready', handlers.commandsReady);
    commands.on('close', handlers.commandsClosed);
    commands.on('error', handlers.error);
    subscriber.on('ready', handlers.subscriberReady);
    subscriber.on('close', handlers.subscriberClosed);
    subscriber.on('error', handlers.error);
    subscriber.on('message', handlers.message);
  }

  const opening = connect(settings, options.commandTimeoutMs ?? 200).then(
    (opened) => {
      clients = opened;
      listen(opened);
      // Closed while ioredis was loading: shutdown() ends the new clients at once.
    },
    (error: unknown) => failed(error),
  );

  /** The command connection, or undefined until it exists (or after close). */
  function commandClient(): Client | undefined {
    return closed ? undefined : clients?.commands;
  }

  /** Sends one command through the breaker; undefined when the breaker held it back. */
  function run<T>(command: (client: Client) => Promise<T>): Promise<T> | undefined {
    const client = commandClient();
    if (client === undefined) {
      // Not opened yet: the same as a disconnected client, whose offline queue is off.
      if (!closed) errors += 1;
      return undefined;
    }
    if (!breaker.allow()) {
      // A bench that could not be shared is a lost write, so it counts like a failed one.
      errors += 1;
      return undefined;
    }
    sent += 1;
    // The executor turns a synchronous throw from the client into a rejection.
    return new Promise<T>((resolve) => resolve(command(client))).then(
      (value) => {
        breaker.success();
        return value;
      },
      (error: unknown) => {
        if (!closed) {
          breaker.failure();
          failed(error);
        }
        throw error;
      },
    );
  }

  async function scanBenches(commands: Client): Promise<SharedBench[]> {
    const nodes = clients?.cluster ? (commands as Cluster).nodes('master') : [commands];
    const keys = new Set<string>();
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(
          cursor,
          'MATCH',
          benchKeyPattern(prefix),
          'COUNT',
          SCAN_COUNT,
        );
        cursor = next;
        for (const key of found) keys.add(key);
      } while (cursor !== '0');
    }
    const list = [...keys];
    const values = await readValues(commands, list);
    const benches: SharedBench[] = [];
    list.forEach((key, index) => {
      const id = deploymentIdOfKey(prefix, key);
      const bench = id === undefined ? undefined : decodeStoredBench(id, values[index]);
      if (bench !== undefined) benches.push(bench);
    });
    return benches;
  }

  /** Values of `keys`, in order. A cluster spreads them over slots, which MGET refuses. */
  async function readValues(commands: Client, keys: string[]): Promise<(string | null)[]> {
    if (clients?.cluster) return Promise.all(keys.map((key) => commands.get(key)));
    const values: (string | null)[] = [];
    for (let start = 0; start < keys.length; start += MGET_BATCH) {
      values.push(...(await commands.mget(keys.slice(start, start + MGET_BATCH))));
    }
    return values;
  }

  /**
   * Runs command groups and returns their replies, throwing the first error. A cluster runs
   * one pipeline per group (a pipeline must stay on one node); a single Redis runs them all in
   * one pipeline, one round trip.
   */
  async function execGroups(
    commands: Client,
    groups: readonly (readonly RedisCommand[])[],
  ): Promise<unknown[][]> {
    const exec = async (list: readonly RedisCommand[]): Promise<unknown[]> => {
      const replies = (await commands.pipeline(list.map((command) => [...command])).exec()) ?? [];
      return replies.map(([error, value]) => {
        if (error) throw error;
        return value;
      });
    };
    if (clients?.cluster) return Promise.all(groups.map(exec));
    const flat = await exec(groups.flat());
    let at = 0;
    return groups.map((group) => flat.slice(at, (at += group.length)));
  }

  /** Runs `command` through the breaker; resolves `fallback` when it is held back or fails. */
  async function settle<T, F>(
    command: (client: Client) => Promise<T>,
    fallback: F,
  ): Promise<T | F> {
    const pending = run(command);
    if (pending === undefined) return fallback;
    try {
      return await pending;
    } catch {
      return fallback;
    }
  }

  async function shutdown(): Promise<void> {
    closed = true;
    current = 'degraded';
    benchListeners.clear();
    statusListeners.clear();
    healthListeners.clear();
    await opening;
    if (clients === undefined) return;
    const { commands, subscriber } = clients;
    await Promise.all([quit(commands), quit(subscriber)]);
    for (const client of [commands, subscriber]) {
      client.off('ready', handlers.commandsReady);
      client.off('close', handlers.commandsClosed);
      client.off('ready', handlers.subscriberReady);
      client.off('close', handlers.subscriberClosed);
      client.off('message', handlers.message);
      // handlers.error stays: it ignores everything once closed, and a client with no error
      // listener prints late socket errors to the console.
    }
  }

  return {
    kind: 'redis',
    instanceId,
    publishBench(bench) {
      const until = Math.ceil(bench.until);
      // An ended bench has nothing to share; PEXPIREAT would delete it at once anyway.
      if (closed || !(until > clock.now()) || bench.deploymentId === '') return;
      const stored = { ...bench, until };
      const pending = run((commands) =>
        commands.eval(
          BENCH_SCRIPT,
          1,
          benchKey(prefix, bench.deploymentId),
          String(until),
          encodeStoredBench(stored),
          channel,
          encodeBenchMessage(instanceId, stored),
        ),
      );
      // Already counted and warned about in run(); the caller never waits and never sees it.
      pending?.catch(() => undefined);
    },
    onBench: (listener) => benchListeners.add(listener),
    async loadBenches() {
      // Never rejects: a failed load is counted, and the next reconnect loads again.
      const pending = run(scanBenches);
      if (pending === undefined) return [];
      try {
        const benches = await pending;
        const now = clock.now();
        return benches.filter((bench) => bench.until > now);
      } catch {
        return [];
      }
    },
    syncCounters(batch) {
      const built = counterCommands(prefix, batch, randomUUID());
      return settle(
        async (commands) => built.parse(await execGroups(commands, built.groups)),
        undefined,
      );
    },
    claimLease(name, ttlMs) {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const claim = (commands: Client): Promise<boolean> =>
        commands
          .set(leaseKey(prefix, name), instanceId, 'PX', ttl, 'NX')
          .then((reply) => reply === 'OK');
      return settle(claim, undefined);
    },
    publishHealth(results, ttlMs) {
      if (closed || results.length === 0) return;
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const message = encodeHealthMessage(instanceId, results);
      const pending = run((commands) =>
        execGroups(commands, [
          [
            ['set', healthKey(prefix), encodeHealthRound(results), 'PX', ttl],
            ['publish', healthChan, message],
          ],
        ]),
      );
      pending?.catch(() => undefined);
    },
    onHealth: (listener) => healthListeners.add(listener),
    loadHealth: () =>
      settle(async (commands) => decodeHealthRound(await commands.get(healthKey(prefix))), []),
    status: () => current,
    onStatus: (listener) => statusListeners.add(listener),
    errorCount: () => errors,
    commandsSent: () => sent,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
