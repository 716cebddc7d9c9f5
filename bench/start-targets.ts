/**
 * Starts every process under test as a child: the mock upstream, the Node floor, Switchyard as
 * users run it (`node bin/switchyard.js --config <file>`, default log level: dist/ when it is
 * fresh, which `npm run bench` makes sure of, else the sources through tsx), and any peers
 * installed under `bench/peers/`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchTarget } from './bench-target.ts';
import { startChild, type ChildService, type ChildSpec } from './child-service.ts';
import { detectPeers } from './peers.ts';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The chat path every target serves. */
const CHAT_PATH = '/v1/chat/completions';
/** The gateway's master key in the bench config; clients send it like any user would. */
const MASTER_KEY = 'sk-bench-master';

/**
 * A realistic production shape: one group of two deployments on the same upstream, retries,
 * a fallback group, the master key, Prometheus metrics; request logs on at `info`.
 */
export function switchyardConfig(mockUrl: string): string {
  return `model_list:
  - model_name: bench
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${mockUrl}/v1
      api_key: sk-bench-upstream
    model_info:
      id: bench-a
  - model_name: bench
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${mockUrl}/v1
      api_key: sk-bench-upstream
    model_info:
      id: bench-b
  - model_name: bench-fallback
    litellm_params:
      model: openai/gpt-4o
      api_base: ${mockUrl}/v1
      api_key: sk-bench-upstream

router_settings:
  routing_strategy: simple-shuffle
  num_retries: 2
  timeout: 30
  allowed_fails: 3

litellm_settings:
  callbacks: [prometheus]
  fallbacks:
    - bench: [bench-fallback]

general_settings:
  master_key: ${MASTER_KEY}
`;
}

/** Variables that would change how a child behaves (the test runner's, a user's shell's). */
const DROPPED_ENV = [
  'NODE_OPTIONS',
  'NODE_TEST_CONTEXT',
  'LOG_LEVEL',
  'LITELLM_LOG',
  'LITELLM_MASTER_KEY',
  'PORT',
  'SWITCHYARD_CONFIG',
];

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DROPPED_ENV) delete env[name];
  return env;
}

function tsxChild(name: string, script: string, args: readonly string[] = []) {
  return {
    name,
    command: process.execPath,
    args: ['--import', 'tsx', script, ...args],
    cwd: REPO_ROOT,
    env: childEnv(),
  };
}

/** The fixed mock upstream every target is measured against, in its own process. */
export function startMock(): Promise<ChildService> {
  return startChild(tsxChild('mock', join('bench', 'mock-child.ts')));
}

/** The Node floor (bench/floor-proxy.ts) in front of the mock at `mockUrl`. */
export function floorSpec(mockUrl: string): ChildSpec {
  return tsxChild('floor', join('bench', 'floor-proxy.ts'), [mockUrl]);
}

/** A running floor as a target: it forwards the upstream's model name as it is. */
export function floorTarget(floor: ChildService): BenchTarget {
  return {
    name: 'floor',
    kind: 'floor',
    url: floor.url,
    path: CHAT_PATH,
    headers: {},
    model: 'gpt-4o-mini',
    pid: floor.pid,
  };
}

/**
 * Switchyard from the checkout at `root` (`dist/` when fresh, else the sources), run as users
 * run it: `node bin/switchyard.js --config <file>`, default log level.
 */
export function switchyardSpec(name: string, root: string, config: string): ChildSpec {
  return {
    name,
    command: process.execPath,
    args: [
      join(root, 'bin', 'switchyard.js'),
      '--config',
      config,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
    ],
    cwd: root,
    env: childEnv(),
  };
}

/** A running Switchyard as a target: the bench config's group and master key. */
export function switchyardTarget(name: string, gateway: ChildService): BenchTarget {
  return {
    name,
    kind: 'switchyard',
    url: gateway.url,
    path: CHAT_PATH,
    headers: { authorization: `Bearer ${MASTER_KEY}` },
    model: 'bench',
    pid: gateway.pid,
  };
}

/** The running children and the targets they serve; `stop()` ends them all. */
export interface StartedTargets {
  readonly mock: ChildService;
  readonly targets: readonly BenchTarget[];
  stop(): Promise<void>;
}

/** Which targets to start; the mock always runs. */
export interface TargetSelection {
  readonly direct: boolean;
  readonly floor: boolean;
  readonly switchyard: boolean;
  readonly peers: boolean;
}

/** Starts the mock, then the selected targets in parallel (each compiles its own TypeScript). */
export async function startTargets(selection: TargetSelection): Promise<StartedTargets> {
  const children: ChildService[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const stop = async (): Promise<void> => {
    await Promise.all(children.splice(0).map((child) => child.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const mock = await startMock();
    children.push(mock);
    const targets: BenchTarget[] = [];
    if (selection.direct) {
      const headers = { authorization: 'Bearer sk-bench-upstream' };
      targets.push({
        name: 'direct',
        kind: 'direct',
        url: mock.url,
        path: CHAT_PATH,
        headers,
        model: 'gpt-4o-mini',
        pid: mock.pid,
      });
    }
    const starting: Promise<BenchTarget>[] = [];
    if (selection.floor) {
      starting.push(
        startChild(floorSpec(mock.url)).then((floor) => {
          children.push(floor);
          return floorTarget(floor);
        }),
      );
    }
    if (selection.switchyard) {
      const config = join(dir, 'config.yaml');
      writeFileSync(config, switchyardConfig(mock.url));
      starting.push(
        startChild(switchyardSpec('switchyard', REPO_ROOT, config)).then((gateway) => {
          children.push(gateway);
          return switchyardTarget('switchyard', gateway);
        }),
      );
    }
    if (selection.peers) {
      for (const peer of detectPeers(REPO_ROOT)) {
        starting.push(
          peer
            .start({ mockUrl: mock.url, dir, config: switchyardConfig(mock.url) })
            .then((started) => {
              children.push(started.service);
              return started.target;
            }),
        );
      }
    }
    // Direct first, then floor, Switchyard, peers: the table reads in that order.
    // allSettled: every child that did start is registered before a failure stops them all.
    for (const outcome of await Promise.allSettled(starting)) {
      if (outcome.status === 'rejected') throw outcome.reason;
      targets.push(outcome.value);
    }
    return { mock, targets, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
