/**
 * A private Redis Sentinel setup per test file: a master (a private `redis-server`, see
 * redis-server.ts) and one sentinel watching it with a quorum of 1, on free loopback ports,
 * with its writable config in a temporary directory (a sentinel rewrites its config file).
 * Down-after and failover timeouts are short, so a test may kill the master and see it taken
 * over. `close()` kills both and removes the directory.
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
  /** The master the sentinel watches. */
  readonly master: RedisServer;
  /** The sentinel's port (on 127.0.0.1). */
  readonly port: number;
  /** The monitored master's name, `mymaster`. */
  readonly masterName: string;
  /** Kills the sentinel and the master, removes the temporary directory. Idempotent. */
  close(): Promise<void>;
}

/** Starts a master and a sentinel, and resolves once the sentinel reports the master up. */
export async function startRedisSentinel(): Promise<RedisSentinel> {
  const master = await startRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-sentinel-'));
  let sentinel: { port: number; child: ChildProcess } | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (sentinel !== undefined) await killProcess(sentinel.child);
      await master.close();
      await rm(dir, { recursive: true, force: true });
    })();
    return closing;
  };
  try {
    sentinel = await onFreePort(async (port) => {
      const config = join(dir, `sentinel-${port}.conf`);
      await writeFile(config, sentinelConfig(dir, master.port));
      const args = [config, '--sentinel', '--port', String(port), '--bind', '127.0.0.1'];
      return { port, child: await launchRedis(args, port) };
    });
    await untilMasterKnown(sentinel.port, master.port);
  } catch (error) {
    await close();
    throw error;
  }
  return { master, port: sentinel.port, masterName: SENTINEL_MASTER_NAME, close };
}

/**
 * Quorum 1: this one sentinel alone may declare the master down and fail over. The timeouts
 * are Sentinel's minimum sensible values, so a failover takes about a second, not a minute.
 */
function sentinelConfig(dir: string, masterPort: number): string {
  const name = SENTINEL_MASTER_NAME;
  return [
    `dir ${JSON.stringify(dir)}`,
    `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 2000`,
    `sentinel parallel-syncs ${name} 1`,
    '',
  ].join('\n');
}

/**
 * Polls (a few-ms tick, up to 5 s) until the sentinel names the master's address and has
 * reached it: its flags say `master` alone, without `disconnected` or `s_down`.
 */
async function untilMasterKnown(sentinelPort: number, masterPort: number): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port: sentinelPort, lazyConnect: true });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const deadline = Date.now() + 5_000;
    for (;;) {
      const address = await client.call(
        'SENTINEL',
        'get-master-addr-by-name',
        SENTINEL_MASTER_NAME,
      );
      const flags = fieldOf(await client.call('SENTINEL', 'master', SENTINEL_MASTER_NAME), 'flags');
      if (
        Array.isArray(address) &&
        address[0] === '127.0.0.1' &&
        address[1] === String(masterPort) &&
        flags === 'master'
      ) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `sentinel on port ${sentinelPort} never reported master 127.0.0.1:${masterPort} up`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
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
