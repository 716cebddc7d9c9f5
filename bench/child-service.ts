/**
 * The processes under test (mock upstream, Node floor, Switchyard, peers) run as children of
 * the harness, so the memory measured is theirs and their CPU is not the load generator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long a child may take to compile (tsx) and start listening, in ms. */
const START_TIMEOUT_MS = 30_000;

/** A running child service. */
export interface ChildService {
  readonly name: string;
  readonly pid: number;
  /** Where it listens, e.g. `http://127.0.0.1:43111`. */
  readonly url: string;
  /** Bytes of stdout written after start-up (request logs): proof the logger ran. */
  stdoutBytes(): number;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** How to start one child. */
export interface ChildSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /**
   * Finds the listening URL in one stdout line; undefined for lines that do not announce it.
   * Default: a JSON line with a string `url` field (our children and Switchyard's log line).
   */
  readonly readUrl?: (line: string) => string | undefined;
  /** For peers that announce nothing: a URL to poll until it answers. */
  readonly pollUrl?: string;
}

/** `{"url": "..."}` or Switchyard's `{"msg":"switchyard listening","url":"..."}`. */
export function jsonUrl(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { url?: unknown };
    return typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns the child and resolves once it listens; kills it if it does not in time. */
export async function startChild(spec: ChildSpec): Promise<ChildService> {
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    // Only the tail matters for a start-up failure; keep memory bounded under chatty peers.
    stderr = (stderr + text).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let url: string;
  try {
    url = await waitForUrl(child, spec, exited);
  } catch (error) {
    await kill(child, exited);
    throw new Error(`${spec.name} did not start: ${(error as Error).message}\n${stderr}`);
  }
  let bytes = 0;
  // After start-up stdout is only drained: parsing every request log line would charge the
  // load generator for the gateway's logging.
  child.stdout?.on('data', (chunk: Buffer) => (bytes += chunk.length));
  // Closing the start-up line reader paused the stream; a paused pipe fills up and stalls
  // (or bloats) the child's logger, which would be measured as the child's cost.
  child.stdout?.resume();
  return {
    name: spec.name,
    pid: child.pid ?? -1,
    url,
    stdoutBytes: () => bytes,
    stop: () => kill(child, exited),
  };
}

function waitForUrl(child: ChildProcess, spec: ChildSpec, exited: Promise<void>): Promise<string> {
  const readUrl = spec.readUrl ?? jsonUrl;
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let poller: NodeJS.Timeout | undefined;
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    function finish(outcome: Error | string): void {
      clearTimeout(timer);
      clearInterval(poller);
      lines.close();
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome);
    }
    void exited.then(() => finish(new Error(`exited with ${child.exitCode ?? child.signalCode}`)));
    lines.on('line', (line) => {
      const url = readUrl(line);
      if (url !== undefined) finish(url);
    });
    const pollUrl = spec.pollUrl;
    if (pollUrl !== undefined) {
      poller = setInterval(() => {
        fetch(pollUrl).then(
          () => finish(new URL(pollUrl).origin),
          () => undefined,
        );
      }, 250);
    }
  });
}

async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const grace = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(grace);
}
