/**
 * A private Redis Sentinel setup per test file: a master and its replica (private
 * `redis-server`s, see redis-server.ts) and one sentinel watching them with a quorum of 1, on
 * free loopback ports, with its writable config in a temporary directory (a sentinel rewrites
 * its config file). Down-after and failover timeouts are short, so a test may kill the master
 * and see the replica promoted within seconds. `close()` kills all three and removes the
 * directory.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  killProcess,
  launchRedis,
  onFreePort,
  startRedisServer,
  type RedisServer,
} from './redis-server.ts';

/** The master name the sentinel monitors. */
export const SENTINEL_MASTER_NAME = 'mymaster';

export interface RedisSentinel {
  /** The master the sentinel watches at start. */
  readonly master: RedisServer;
  /** The master's replica, which the sentinel promotes when the master dies. */
  readonly replica: RedisServer;
  /** The sentinel's port (on 127.0.0.1). */
  readonly port: number;
  /** The monitored master's name, `mymaster`. */
  readonly masterName: string;
  /** The port of the master the sentinel names now. */
  masterPort(): Promise<number>;
  /** Kills the sentinel and both servers, removes the temporary directory. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a master, its replica and a sentinel, and resolves once the sentinel reports the
 * master up and knows the replica (only a replica it knows can be promoted).
 */
export async function startRedisSentinel(): Promise<RedisSentinel> {
  // Every file goes here, the replica's copy of the master's data included.
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-sentinel-'));
  const servers: RedisServer[] = [];
  let sentinel: { port: number; child: ChildProcess } | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (sentinel !== undefined) await killProcess(sentinel.child);
      await Promise.all(servers.map((server) => server.close()));
      await rm(dir, { recursive: true, force: true });
    })();
    return closing;
  };
  try {
    // Diskless sync waits 5 s by default for more replicas to join; there is only one.
    const master = await startRedisServer({
      extraArgs: () => ['--dir', dir, '--repl-diskless-sync-delay', '0'],
    });
    servers.push(master);
    const replica = await startRedisServer({
      extraArgs: () => ['--dir', dir, '--replicaof', '127.0.0.1', String(master.port)],
    });
    servers.push(replica);
    await untilReplicating(replica.port);
    const started = await onFreePort(async (port) => {
      const config = join(dir, `sentinel-${port}.conf`);
      await writeFile(config, sentinelConfig(dir, master.port));
      const args = [config, '--sentinel', '--port', String(port), '--bind', '127.0.0.1'];
      return { port, child: await launchRedis(args, port) };
    });
    sentinel = started;
    await untilSentinelReady(started.port, master.port, replica.port);
    return {
      master,
      replica,
      port: started.port,
      masterName: SENTINEL_MASTER_NAME,
      masterPort: () => withClient(started.port, async (client) => (await addressOf(client))[1]),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Quorum 1: this one sentinel alone may declare the master down and fail over. A master is
 * down after 200 ms without an answer (default 30 s), so a failover takes a second or two.
 */
function sentinelConfig(dir: string, masterPort: number): string {
  const name = SENTINEL_MASTER_NAME;
  return [
    `dir ${JSON.stringify(dir)}`,
    `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
    `sentinel down-after-milliseconds ${name} 200`,
    `sentinel failover-timeout ${name} 2000`,
    `sentinel parallel-syncs ${name} 1`,
    '',
  ].join('\n');
}

/** Polls until the replica's link to its master is up (the initial sync is done). */
async function untilReplicating(replicaPort: number): Promise<void> {
  await withClient(replicaPort, (client) =>
    until(
      async () => /^master_link_status:up\r?$/m.test(await client.info('replication')),
      `replica on port ${replicaPort} never finished its sync`,
    ),
  );
}

/**
 * Polls until the sentinel names the master's address, has reached it (its flags say
 * `master` alone, without `disconnected` or `s_down`) and lists the replica as a `slave`.
 */
async function untilSentinelReady(
  sentinelPort: number,
  masterPort: number,
  replicaPort: number,
): Promise<void> {
  await withClient(sentinelPort, (client) =>
    until(async () => {
      const [host, port] = await addressOf(client);
      const master = await client.call('SENTINEL', 'master', SENTINEL_MASTER_NAME);
      const replicas = await client.call('SENTINEL', 'replicas', SENTINEL_MASTER_NAME);
      const replica = Array.isArray(replicas)
        ? replicas.find((entry) => fieldOf(entry, 'port') === String(replicaPort))
        : undefined;
      return (
        host === '127.0.0.1' &&
        port === masterPort &&
        fieldOf(master, 'flags') === 'master' &&
        fieldOf(replica, 'flags') === 'slave'
      );
    }, `sentinel on port ${sentinelPort} never reported master 127.0.0.1:${masterPort} and its replica`),
  );
}

/** The master address the sentinel gives out, as a client asks for it. */
async function addressOf(client: Redis): Promise<[string, number]> {
  const reply = await client.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME);
  if (!Array.isArray(reply)) return ['', 0];
  return [String(reply[0]), Number(reply[1])];
}

/** Polls `condition` with a few-ms tick, up to 5 s, then throws `failure`. */
async function until(condition: () => Promise<boolean>, failure: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `body` with a client on 127.0.0.1:`port`, disconnected afterwards. */
async function withClient<T>(port: number, body: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await body(client);
  } finally {
    client.disconnect();
  }
}

/** A field of a flat `[name, value, …]` reply, as `SENTINEL master` gives over RESP2. */
function fieldOf(reply: unknown, name: string): unknown {
  if (!Array.isArray(reply)) return undefined;
  const at = reply.indexOf(name);
  return at >= 0 && at % 2 === 0 ? (reply[at + 1] as unknown) : undefined;
}
