/**
 * A private Redis Cluster per test file: three masters without replicas (private
 * `redis-server`s, see redis-server.ts, in cluster mode) on free loopback ports, their node
 * files in a temporary directory, joined by `redis-cli --cluster create`. `close()` kills them
 * and removes the directory.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from './redis-server.ts';

const run = promisify(execFile);

export interface RedisCluster {
  readonly nodes: readonly RedisServer[];
  /** `127.0.0.1:<port>` of each node, as `redis_startup_nodes` takes them. */
  readonly addresses: readonly string[];
  /** Kills every node and removes the temporary directory. Idempotent. */
  close(): Promise<void>;
}

/** Starts three nodes, creates the cluster, and resolves once every node says it is ok. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-cluster-'));
  const nodes: RedisServer[] = [];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await Promise.all(nodes.map((node) => node.close()));
      await rm(dir, { recursive: true, force: true });
    })();
    return closing;
  };
  try {
    const started = await Promise.all(
      [0, 1, 2].map(() =>
        startRedisServer({
          extraArgs: (port) => [
            ...['--cluster-enabled', 'yes', '--dir', dir],
            ...['--cluster-config-file', join(dir, `nodes-${port}.conf`)],
          ],
        }),
      ),
    );
    nodes.push(...started);
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await createCluster(addresses);
    await Promise.all(nodes.map((node) => untilClusterOk(node.port)));
    return { nodes, addresses, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `redis-cli --cluster create`; its output goes into the error when it fails. */
async function createCluster(addresses: readonly string[]): Promise<void> {
  try {
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-yes'], {
      timeout: 10_000,
    });
  } catch (error) {
    const output = (error as { stdout?: string; stderr?: string }) ?? {};
    const detail = `${output.stdout ?? ''}${output.stderr ?? ''}`.trim();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`redis-cli --cluster create failed: ${detail || reason}`, { cause: error });
  }
}

/**
 * Polls (a few-ms tick, up to 5 s) until `CLUSTER INFO` on the node says `cluster_state:ok`:
 * the slots are assigned everywhere and the node sees the others.
 */
async function untilClusterOk(port: number): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const deadline = Date.now() + 5_000;
    while (!/^cluster_state:ok\r?$/m.test(String(await client.call('CLUSTER', 'INFO')))) {
      if (Date.now() > deadline) throw new Error(`cluster node ${port} never reached state ok`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    client.disconnect();
  }
}
