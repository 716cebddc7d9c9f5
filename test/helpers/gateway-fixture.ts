/**
 * In-process end-to-end setup: N mock upstreams on ephemeral loopback ports and a real gateway
 * (startGateway) in front of them, configured from YAML text exactly as a user writes it.
 * `useGateways()` registers an afterEach that drains every gateway and closes every mock the
 * test started, whether the test passed or not.
 */
import { afterEach } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../src/core/clock.ts';
import { compileConfig, parseConfig, type Env, type RouterPlan } from '../../src/config/index.ts';
import { startGateway, type Gateway } from '../../src/server/start-gateway.ts';
import { startMockUpstream, type MockUpstream } from '../../src/testing/index.ts';

/** What a test asks for: named upstreams and a config written against their URLs. */
export interface FixtureOptions<N extends string> {
  /** Names of the mock upstreams to start; each answers `Hello from <name>`. */
  readonly upstreams?: readonly N[];
  /** The config.yaml text, given the running upstreams (use `.baseUrl` as `api_base`). */
  readonly config: (upstreams: Readonly<Record<N, MockUpstream>>) => string;
  /** Environment for `os.environ/` references and LITELLM_MASTER_KEY. Default: empty. */
  readonly env?: Env;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** The gateway's logger (its own lines and the request log). Default: none. */
  readonly logger?: FastifyBaseLogger;
}

/** A running gateway and its upstreams. */
export interface Fixture<N extends string> {
  /** The gateway's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly gateway: Gateway;
  readonly upstreams: Readonly<Record<N, MockUpstream>>;
}

/** Compiles YAML text into a plan with an explicit environment (never the real one). */
export function planFromYaml(yaml: string, env: Env = {}): RouterPlan {
  return compileConfig(parseConfig(yaml, { env }), { env });
}

/**
 * Returns a starter for fixtures; everything it starts is torn down after each test of the
 * enclosing suite. Call at module or describe level.
 */
export function useGateways(): <N extends string = never>(
  options: FixtureOptions<N>,
) => Promise<Fixture<N>> {
  const mocks: MockUpstream[] = [];
  const gateways: Gateway[] = [];
  afterEach(async () => {
    // Mocks first: closing them destroys any request a failed test left hanging upstream, so
    // the gateways' drains (which wait for in-flight requests) cannot hang the suite.
    await Promise.all(mocks.splice(0).map((mock) => mock.close()));
    await Promise.all(gateways.splice(0).map((gateway) => gateway.drain()));
  });

  return async function start<N extends string = never>(
    options: FixtureOptions<N>,
  ): Promise<Fixture<N>> {
    const upstreams = {} as Record<N, MockUpstream>;
    for (const name of options.upstreams ?? []) {
      const mock = await startMockUpstream({ name });
      mocks.push(mock);
      upstreams[name] = mock;
    }
    const env = options.env ?? {};
    const plan = planFromYaml(options.config(upstreams), env);
    const gateway = await startGateway({
      plan,
      port: 0,
      host: '127.0.0.1',
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    gateways.push(gateway);
    return { url: gateway.url, gateway, upstreams };
  };
}

/**
 * Suite options for in-process end-to-end tests: a test waiting on an event that never comes
 * (a deadline that does not fire, a request that is never cancelled) fails the suite instead
 * of hanging the run. A budget for the whole describe(), which takes about a second.
 */
export const E2E_SUITE = Object.freeze({ timeout: 10_000 });
