/**
 * Two gateway processes (`switchyard serve`, as a user runs them) with one config and one
 * Redis, in front of loopback mock upstreams: a bench, split failures and health rounds are
 * shared between them. The processes start once for the suite; each test uses its own group.
 * What an instance believes is read from its /metrics (`litellm_deployment_state`, 2 =
 * benched), polled with a 1 ms tick from the moment the other instance answered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { HealthReport } from '../src/router/types.ts';
import { startMockUpstream, type MockUpstream } from '../src/testing/index.ts';
import { useChildren, type ChildGateway } from './helpers/child-gateway.ts';
import { chat, chatContent, json } from './helpers/http.ts';
import { redisSkipReason, startRedisServer, type RedisServer } from './helpers/redis-server.ts';
import { eventually } from '../src/testing/mock-test-helpers.ts';

const skip = redisSkipReason();
const PREFIX = 'procs:';

void describe('two gateway processes sharing one Redis', { skip, timeout: 60_000 }, () => {
  const children = useChildren({ scope: 'suite' });
  let redis: RedisServer;
  let client: Redis;
  /** Upstreams: `a1` and `a2` fail on demand; `b` answers for both groups. */
  const up: Record<'a1' | 'a2' | 'b', MockUpstream> = {} as Record<'a1' | 'a2' | 'b', MockUpstream>;
  let one: ChildGateway;
  let two: ChildGateway;
  /** Every health round announced on Redis, as the test heard it. */
  const rounds: string[] = [];

  before(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    const subscriber = client.duplicate();
    await subscriber.subscribe(`${PREFIX}health`);
    subscriber.on('message', (_channel: string, message: string) => rounds.push(message));
    closers.push(() => subscriber.quit().then(() => undefined));
    for (const name of ['a1', 'a2', 'b'] as const) up[name] = await startMockUpstream({ name });
  });

  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.splice(0)) await close();
    await client?.quit();
    await Promise.all(Object.values(up).map((upstream) => upstream.close()));
    await redis?.close();
  });

  /** Starts both instances, once for the suite. */
  async function startBoth(): Promise<void> {
    const config = children.writeConfig(`
model_list:
  - model_name: g1
    litellm_params: { model: openai/gpt-4o, api_base: ${up.a1.baseUrl}, api_key: k, order: 1 }
    model_info: { id: dep-a1 }
  - model_name: g1
    litellm_params: { model: openai/gpt-4o, api_base: ${up.b.baseUrl}, api_key: k, order: 2 }
    model_info: { id: dep-b1 }
  - model_name: g2
    litellm_params: { model: openai/gpt-4o, api_base: ${up.a2.baseUrl}, api_key: k, order: 1 }
    model_info: { id: dep-a2 }
  - model_name: g2
    litellm_params: { model: openai/gpt-4o, api_base: ${up.b.baseUrl}, api_key: k, order: 2 }
    model_info: { id: dep-b2 }
router_settings:
  num_retries: 1
  cooldown_time: 60
  allowed_fails: 3
  redis_url: ${redis.url}
  redis_key_prefix: "${PREFIX}"
general_settings:
  background_health_checks: true
  health_check_interval: 600
`);
    [one, two] = await Promise.all([children.serve(config), children.serve(config)]);
    await Promise.all([connected(one), connected(two)]);
  }

  async function connected(gateway: ChildGateway): Promise<void> {
    await eventually(async () => {
      const answer = await fetch(`${gateway.url}/health/readiness`);
      return ((await answer.json()) as { cache?: string }).cache === 'connected';
    }, 10_000);
  }

  /** The instance's `litellm_deployment_state` of a deployment (0 healthy, 2 benched). */
  async function stateOf(gateway: ChildGateway, deploymentId: string): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (row) => row.startsWith('litellm_deployment_state{') && row.includes(`"${deploymentId}"`),
      );
    return Number(line?.split(' ').at(-1));
  }

  async function ok(gateway: ChildGateway, group: string): Promise<void> {
    const response = await chat(gateway.url, group);
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from b');
  }

  /** Failures of a deployment's window in Redis, all instances' together. */
  async function sharedFailures(deploymentId: string): Promise<number> {
    const fields = await client.hgetall(`${PREFIX}counters:failures:1000:${deploymentId}`);
    return Object.entries(fields)
      .filter(([field]) => field.endsWith(':fails'))
      .reduce((sum, [, value]) => sum + Number(value), 0);
  }

  void test('the health round runs on one instance, and both report its results', async () => {
    await startBoth();
    // One round of 4 probes (b serves two deployments) for both instances, not two rounds.
    await eventually(() => Promise.resolve(rounds.length >= 1), 10_000);
    const reports = await Promise.all(
      [one, two].map(async (gateway) => json<HealthReport>(await fetch(`${gateway.url}/health`))),
    );
    for (const report of reports) {
      assert.equal(report.healthy_count, 4);
      assert.ok(report.healthy_endpoints.every((endpoint) => endpoint.age_seconds !== undefined));
    }
    const times = (report: HealthReport) =>
      report.healthy_endpoints.map((endpoint) => endpoint.last_checked_at).sort();
    assert.deepEqual(times(reports[0]!), times(reports[1]!), 'the same round on both');
    assert.equal(up.a1.hits().total + up.a2.hits().total + up.b.hits().total, 4);
    assert.equal(rounds.length, 1);
  });

  void test('a 429 seen by instance 1 benches the deployment on instance 2 within 100 ms', async () => {
    for (const upstream of Object.values(up)) upstream.reset();
    // Warm both: the first /metrics of a fresh process is slower than the bench itself.
    await Promise.all([stateOf(one, 'dep-a1'), stateOf(two, 'dep-a1')]);
    up.a1.fail({ status: 429, times: 1 });
    await ok(one, 'g1');
    const answered = performance.now();
    await eventually(async () => (await stateOf(two, 'dep-a1')) === 2, 2_000);
    const propagationMs = performance.now() - answered;
    process.stdout.write(`# bench propagation between processes: ${propagationMs.toFixed(1)} ms\n`);
    assert.ok(propagationMs < 100, `instance 2 saw the bench after ${propagationMs} ms`);
    const before = up.a1.hits().total;
    await ok(two, 'g1');
    assert.equal(up.a1.hits().total, before, 'instance 2 never called the benched deployment');
  });

  void test('failures split across both instances bench a deployment neither alone would', async () => {
    for (const upstream of Object.values(up)) upstream.reset();
    up.a2.fail({ status: 500, times: 4 });
    await ok(one, 'g2');
    await ok(one, 'g2');
    await eventually(async () => (await sharedFailures('dep-a2')) === 2);
    assert.equal(await stateOf(one, 'dep-a2'), 0, 'two failures are within allowed_fails: 3');
    await ok(two, 'g2');
    await ok(two, 'g2');
    const answered = performance.now();
    await eventually(async () => (await stateOf(one, 'dep-a2')) === 2);
    await eventually(async () => (await stateOf(two, 'dep-a2')) === 2);
    const benchedMs = performance.now() - answered;
    process.stdout.write(
      `# combined failures benched both instances in ${benchedMs.toFixed(1)} ms\n`,
    );
    assert.equal(up.a2.hits().total, 4);
    await ok(one, 'g2');
    await ok(two, 'g2');
    assert.equal(up.a2.hits().total, 4, 'no instance calls it while benched');
  });
});
