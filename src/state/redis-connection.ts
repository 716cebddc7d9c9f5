import type * as IoRedis from 'ioredis';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/plan.ts';

/**
 * Opening and closing the Redis connections: a single Redis (host/port or URL, unix sockets
 * too), Sentinel or Cluster, with what keeps a request from ever waiting on them (no offline
 * queue, a command timeout, one retry) and a reconnect that never gives up. With
 * redis-store.ts (types only), the only files importing ioredis; the module itself is loaded
 * on the first connect, so a gateway without Redis never pays for it (~10–18 MB of RSS).
 */

/** A command connection or its subscriber. */
export type Client = Redis | Cluster;

/** Reconnect delay after the n-th failed attempt, in ms: 200, 400, … capped at 2 s, forever. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 200, 2_000);
}

/**
 * QUIT when connected (it lets Redis finish what is in flight; commandTimeout bounds it if
 * Redis hangs); otherwise, or when QUIT fails, drop the socket and any pending reconnect.
 */
export async function quit(client: Client): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through: a hung or dying Redis is simply disconnected.
    }
  }
  client.disconnect();
}

/** A command connection, its subscriber, and whether they talk to a Redis Cluster. */
export interface Connections {
  readonly commands: Client;
  readonly subscriber: Client;
  readonly cluster: boolean;
}

/**
 * Loads ioredis and opens both connections. Resolves as soon as the clients exist (they
 * connect in the background); rejects only when ioredis itself cannot be loaded.
 */
export async function connect(
  settings: RedisSettings,
  commandTimeout: number,
): Promise<Connections> {
  const ioredis = await import('ioredis');
  const commands = open(settings, commandTimeout, ioredis);
  if (commands instanceof ioredis.Redis) {
    return { commands, subscriber: commands.duplicate({ autoResubscribe: false }), cluster: false };
  }
  return { commands, subscriber: commands.duplicate(), cluster: true };
}

function open(
  settings: RedisSettings,
  commandTimeout: number,
  { Cluster, Redis }: typeof IoRedis,
): Client {
  const common = {
    enableOfflineQueue: false,
    commandTimeout,
    maxRetriesPerRequest: 1,
    password: settings.password,
    connectionName: 'switchyard',
  } satisfies RedisOptions;
  const cluster = settings.startupNodes;
  if (cluster !== undefined && cluster.length > 0) {
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelayMs,
      redisOptions: { commandTimeout, maxRetriesPerRequest: 1, password: settings.password },
    };
    return new Cluster(
      cluster.map((node) => ({ host: node.host, port: node.port })),
      clusterOptions,
    );
  }
  const single: RedisOptions = { ...common, db: settings.db, retryStrategy: reconnectDelayMs };
  const sentinels = settings.sentinelNodes;
  if (sentinels !== undefined && sentinels.length > 0) {
    return new Redis({
      ...single,
      sentinels: sentinels.map((node) => ({ host: node.host, port: node.port })),
      name: settings.sentinelMasterName,
      sentinelRetryStrategy: reconnectDelayMs,
    });
  }
  if (settings.url !== undefined) {
    // ioredis reads redis:// and rediss:// itself (the URL's password and db win over the
    // separate settings); unix:// it does not, so the socket path is passed on.
    if (/^unix:/i.test(settings.url)) {
      return new Redis({ ...single, path: new URL(settings.url).pathname });
    }
    return new Redis(settings.url, single);
  }
  return new Redis({
    ...single,
    host: settings.host ?? '127.0.0.1',
    port: settings.port ?? 6379,
  });
}
