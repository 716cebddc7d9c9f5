/**
 * Background health checks (`background_health_checks`) and health-check-driven routing
 * (`enable_health_check_routing`), on a real gateway in front of mock upstreams, with time
 * moved by a fake clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HealthReport } from '../src/router/types.ts';
import { createFakeClock, type FakeClock, type MockUpstream } from '../src/testing/index.ts';
import { eventually } from '../src/testing/mock-test-helpers.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, json } from './helpers/http.ts';

const start = useGateways();
const INTERVAL_S = 60;
const INTERVAL_MS = INTERVAL_S * 1000;

async function health(url: string): Promise<HealthReport> {
  const response = await fetch(`${url}/health`);
  assert.equal(response.status, 200);
  return json<HealthReport>(response);
}

/** A group of two deployments (`dep-up` on `up`, `dep-down` on `down`), checked every minute. */
function startChecked(
  clock: FakeClock,
  extraGeneral = '',
  extraInfo = '',
  random: () => number = alternate(),
) {
  return start({
    upstreams: ['up', 'down'],
    clock,
    random,
    config: ({ up, down }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o, api_base: ${up.baseUrl}, api_key: k }
    model_info: { id: dep-up ${extraInfo} }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o, api_base: ${down.baseUrl}, api_key: k }
    model_info: { id: dep-down }
router_settings: { num_retries: 0 }
general_settings:
  background_health_checks: true
  health_check_interval: ${INTERVAL_S}
  ${extraGeneral}
`,
  });
}

/** 0, 0.99, 0, …: simple-shuffle picks the first, then the second deployment, in turn. */
function alternate(): () => number {
  let calls = 0;
  return () => (calls++ % 2 === 0 ? 0 : 0.99);
}

function probes(upstream: MockUpstream): number {
  return upstream.hits().total;
}

/** Moves past one interval and waits until the run it starts has recorded a failure. */
async function nextRunSeesFailure(clock: FakeClock, url: string, count: number): Promise<void> {
  await clock.advanceAsync(INTERVAL_MS);
  await eventually(async () => (await health(url)).unhealthy_count === count);
}

void describe('background health checks', E2E_SUITE, () => {
  void test('probe every deployment at start, then again at each interval', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(clock);
    await health(url);
    assert.equal(probes(upstreams.up), 1);
    assert.equal(probes(upstreams.down), 1);
    await clock.advanceAsync(INTERVAL_MS);
    await eventually(() =>
      Promise.resolve(probes(upstreams.up) === 2 && probes(upstreams.down) === 2),
    );
  });

  void test('/health answers from the latest results with their age, calling no upstream', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(clock);
    const first = await health(url);
    assert.equal(first.healthy_count, 2);
    await clock.advanceAsync(30_000);
    const later = await health(url);
    assert.equal(later.healthy_count, 2);
    assert.equal(later.unhealthy_count, 0);
    for (const endpoint of later.healthy_endpoints) {
      assert.equal(endpoint.age_seconds, 30);
      assert.equal(endpoint.last_checked_at, first.healthy_endpoints[0]?.last_checked_at);
    }
    assert.equal(probes(upstreams.up), 1);
  });

  void test('a failing upstream shows as unhealthy after the next run', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(clock);
    assert.equal((await health(url)).unhealthy_count, 0);
    upstreams.down.fail({ status: 500 });
    assert.equal((await health(url)).unhealthy_count, 0, 'still the cached result');
    await nextRunSeesFailure(clock, url, 1);
    const report = await health(url);
    assert.equal(report.unhealthy_endpoints[0]?.model_id, 'dep-down');
    assert.equal(typeof report.unhealthy_endpoints[0]?.error, 'string');
    assert.equal(report.healthy_endpoints[0]?.model_id, 'dep-up');
  });

  void test('a drain stops the checks and leaves no timer behind', async () => {
    const clock = createFakeClock();
    const { url, upstreams, gateway } = await startChecked(clock);
    await health(url);
    await gateway.drain();
    assert.equal(clock.pendingTimers(), 0);
    await clock.advanceAsync(5 * INTERVAL_MS);
    assert.equal(probes(upstreams.up), 1);
  });

  void test('probes call model_info.health_check_model instead of the deployment model', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(
      clock,
      '',
      ', health_check_model: openai/gpt-4o-mini',
    );
    await health(url);
    const probe = upstreams.up.requests()[0]?.body as { model?: string } | undefined;
    assert.equal(probe?.model, 'gpt-4o-mini');
    const other = upstreams.down.requests()[0]?.body as { model?: string } | undefined;
    assert.equal(other?.model, 'gpt-4o');
  });

  void test('a deployment with disable_background_health_check is neither probed nor listed', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(
      clock,
      '',
      ', disable_background_health_check: true',
    );
    const report = await health(url);
    assert.equal(probes(upstreams.up), 0);
    assert.deepEqual(
      report.healthy_endpoints.map((endpoint) => endpoint.model_id),
      ['dep-down'],
    );
  });
});

void describe('enable_health_check_routing', E2E_SUITE, () => {
  void test('a deployment that failed its check gets no traffic while another is healthy', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(clock, 'enable_health_check_routing: true');
    await health(url);
    // Fails its next probe only: afterwards it would answer, but its latest check says no.
    upstreams.down.fail({ status: 500, times: 1 });
    await nextRunSeesFailure(clock, url, 1);
    const before = probes(upstreams.down);
    for (let index = 0; index < 6; index += 1) {
      assert.equal((await chat(url, 'chat-group')).status, 200);
    }
    assert.equal(probes(upstreams.down), before);
  });

  void test('when every deployment failed its check, traffic still flows', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(clock, 'enable_health_check_routing: true');
    await health(url);
    upstreams.up.fail({ status: 500, times: 1 });
    upstreams.down.fail({ status: 500, times: 1 });
    await nextRunSeesFailure(clock, url, 2);
    assert.equal((await chat(url, 'chat-group')).status, 200);
  });

  void test('without it, a failed check does not steer traffic', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await startChecked(clock);
    await health(url);
    upstreams.down.fail({ status: 500, times: 1 });
    await nextRunSeesFailure(clock, url, 1);
    const before = probes(upstreams.down);
    for (let index = 0; index < 12; index += 1) await chat(url, 'chat-group');
    assert.ok(probes(upstreams.down) > before, 'dep-down still served some requests');
  });
});
