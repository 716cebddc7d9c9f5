/**
 * The gateway as a user runs it: `node bin/switchyard.js …` in a child process. Spawns, waits
 * for the `switchyard listening` JSON log line, and kills whatever is still running after each
 * test (registered by `useChildren()`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, afterEach } from 'node:test';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO_ROOT, 'bin', 'switchyard.js');

/** How long a child may take to compile (tsx) and start listening. */
const START_TIMEOUT_MS = 15_000;

/** One pino JSON line. */
export interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly url?: string;
  readonly [key: string]: unknown;
}

/** A spawned `switchyard serve`. */
export interface ChildGateway {
  readonly child: ChildProcess;
  /** From the listening log line, e.g. `http://127.0.0.1:43111`. */
  readonly url: string;
  /** Every JSON log line so far. */
  readonly logs: readonly LogLine[];
  /** Resolves with the first log line (past or future) whose `msg` is `msg`. */
  waitForLog(msg: string): Promise<LogLine>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** What a finished CLI run printed. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Variables that would change what the child does (auth, port, config) or how it runs. */
const DROPPED_ENV = [
  'LITELLM_MASTER_KEY',
  'NODE_TEST_CONTEXT',
  'NODE_OPTIONS',
  'PORT',
  'SWITCHYARD_CONFIG',
];

/** The test runner's environment without DROPPED_ENV, logging at info (the listening line). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  for (const name of DROPPED_ENV) delete env[name];
  return env;
}

/**
 * Starts a helper for child gateways, CLI runs and temp config files; after each test (or,
 * with `scope: 'suite'`, after the enclosing suite, for children that several tests share) it
 * kills the children still running and removes the files.
 */
export function useChildren(options: { scope?: 'test' | 'suite' } = {}): {
  serve(configPath: string): Promise<ChildGateway>;
  /**
   * Runs `node <argv>` in `cwd` (a command such as the Dockerfile's CMD, whose script path is
   * relative to its working directory) and waits for it to listen; `env` adds variables.
   */
  start(argv: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<ChildGateway>;
  /** Runs the CLI to completion; `env` adds variables to the child's environment. */
  runCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  writeConfig(yaml: string): string;
} {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const cleanUp = options.scope === 'suite' ? after : afterEach;
  cleanUp(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }
    }
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function launch(
    argv: readonly string[],
    extraEnv: NodeJS.ProcessEnv = {},
    cwd = REPO_ROOT,
  ): ChildProcess {
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { ...childEnv(), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  }

  return {
    writeConfig(yaml) {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
      dirs.push(dir);
      const path = join(dir, 'config.yaml');
      writeFileSync(path, yaml);
      return path;
    },

    runCli(args, env) {
      const child = launch([BIN, ...args], env);
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    },

    serve(configPath) {
      const child = launch([BIN, '--config', configPath, '--port', '0', '--host', '127.0.0.1']);
      return attach(child);
    },

    start(argv, cwd, env) {
      return attach(launch(argv, env, cwd));
    },
  };
}

function attach(child: ChildProcess): Promise<ChildGateway> {
  const logs: LogLine[] = [];
  const waiters: { msg: string; resolve: (line: LogLine) => void }[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    logs.push(line);
    for (const waiter of waiters.filter((w) => w.msg === line.msg)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });

  function waitForLog(msg: string): Promise<LogLine> {
    const seen = logs.find((line) => line.msg === msg);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ msg, resolve }));
  }

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`switchyard did not start within ${START_TIMEOUT_MS} ms\n${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard exited with ${code} before listening\n${stderr}`));
    });
    void waitForLog('switchyard listening').then((line) => {
      clearTimeout(timer);
      if (typeof line.url !== 'string') {
        reject(new Error(`listening line without url: ${JSON.stringify(line)}`));
        return;
      }
      resolve({ child, url: line.url, logs, waitForLog, exited });
    });
  });
}
