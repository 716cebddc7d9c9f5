/**
 * The processes under test (mock upstream, Node floor, Switchyard, peers) run as children of
 * the harness, so the memory measured is theirs and their CPU is not the load generator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long a child may take to compile (tsx) and start listening, in ms. */
const START_TIMEOUT_MS = 30_000;
/** How often the start-up output is read for the listening URL, in ms. */
const START_POLL_MS = 50;

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
  /** How long it may take to start listening, in ms. Default 30 s. */
  readonly startTimeoutMs?: number;
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

/**
 * Spawns the child and resolves once it listens; kills it if it does not in time. Its stdout
 * goes to a file, as a production log would: read through a pipe by the harness, whose event
 * loop is busy generating load, the gateway's request log would back up into the gateway's
 * memory and be measured as its cost.
 */
export async function startChild(spec: ChildSpec): Promise<ChildService> {
  const dir = mkdtempSync(join(tmpdir(), `switchyard-bench-${spec.name}-`));
  const stdoutPath = join(dir, 'stdout.log');
  const stdoutFd = openSync(stdoutPath, 'w');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', stdoutFd, 'pipe'],
    });
  } finally {
    closeSync(stdoutFd);
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    // Only the tail matters for a start-up failure; keep memory bounded under chatty peers.
    stderr = (stderr + text).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanUp = async (): Promise<void> => {
    await kill(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await waitForUrl(child, spec, exited, stdoutPath);
  } catch (error) {
    await cleanUp();
    throw new Error(`${spec.name} did not start: ${(error as Error).message}\n${stderr}`);
  }
  const startupBytes = statSync(stdoutPath).size;
  return {
    name: spec.name,
    pid: child.pid ?? -1,
    url,
    stdoutBytes: () => statSync(stdoutPath).size - startupBytes,
    stop: cleanUp,
  };
}

function waitForUrl(
  child: ChildProcess,
  spec: ChildSpec,
  exited: Promise<void>,
  stdoutPath: string,
): Promise<string> {
  const readUrl = spec.readUrl ?? jsonUrl;
  const startTimeoutMs = spec.startTimeoutMs ?? START_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    function finish(outcome: Error | string): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poller);
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome);
    }
    const pollUrl = spec.pollUrl;
    // Start-up only: the child's output so far, line by line, until one announces the URL.
    const poller = setInterval(() => {
      for (const line of readFileSync(stdoutPath, 'utf8').split('\n')) {
        const url = readUrl(line);
        if (url !== undefined) return finish(url);
      }
      if (pollUrl !== undefined) {
        fetch(pollUrl).then(
          () => finish(new URL(pollUrl).origin),
          () => undefined,
        );
      }
    }, START_POLL_MS);
    void exited.then(() => finish(new Error(`exited with ${child.exitCode ?? child.signalCode}`)));
  });
}

async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const grace = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(grace);
}
