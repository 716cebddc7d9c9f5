/**
 * A private `redis-server` per test file, on a free loopback port, so a test may kill it to
 * prove degradation and start it again on the same port to prove recovery. Persistence is off:
 * a restarted server is empty, like a Redis that lost its memory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Kills the server with SIGKILL, like a crash, and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  restart(): Promise<void>;
  /** Stops it if running. Idempotent. */
  close(): Promise<void>;
}

/** Whether `redis-server` is on PATH. */
export function redisAvailable(): boolean {
  const result = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * The reason to skip Redis tests, or false to run them. With CI=true they always run (and fail
 * without a redis-server); elsewhere a missing binary skips them, loudly.
 */
export function redisSkipReason(): string | false {
  if (process.env['CI'] === 'true' || redisAvailable()) return false;
  const reason =
    'SKIPPED: redis-server is not on PATH, so the Redis state-store tests did not run ' +
    '(install Redis; with CI=true they run and fail instead)';
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

/** A port nothing listens on right now (the OS picks it; nothing holds it afterwards). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Arguments after the defaults, given the port (e.g. cluster mode). Default: none. */
  readonly extraArgs?: (port: number) => readonly string[];
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const argsFor = (port: number): string[] => [
    ...['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    ...(options.extraArgs?.(port) ?? []),
  ];
  return onFreePort((port) => serverOn(port, argsFor(port)));
}

/**
 * Runs `start` on a free port, up to three times: another process may take the free port
 * between the probe and redis-server's bind.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function serverOn(port: number, args: readonly string[]): Promise<RedisServer> {
  let child: ChildProcess | undefined = await launchRedis(args, port);
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running !== undefined) await killProcess(running);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      child = await launchRedis(args, port);
    },
    close: stop,
  };
}

/**
 * Kills `child` with SIGKILL, like a crash, and waits for it to exit; returns at once when it
 * has exited or never started.
 */
export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/**
 * Spawns `redis-server <args>` (a server, or a sentinel with `--sentinel`) and waits until it
 * answers PING on `port`; kills it and throws when it exits first or never answers.
 */
export async function launchRedis(args: readonly string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server on port ${port} exited early (${code ?? signal})`)),
    );
  });
  failed.catch(() => undefined);
  try {
    await Promise.race([waitForPong(port), failed]);
    return child;
  } catch (error) {
    await killProcess(child);
    throw error;
  }
}

/** Polls with a few-ms tick until the server answers PING; gives up after 5 s. */
async function waitForPong(port: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await pings(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} never answered`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
