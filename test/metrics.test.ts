/**
 * `GET /metrics` through the real proxy: scripted traffic against mock upstreams, then the
 * Prometheus text parsed and read the way dashboards and alert rules read it. Time moves on a
 * fake clock; nothing sleeps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFakeClock, type MockUpstream } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError, waitFor } from './helpers/http.ts';

const start = useGateways();

// ---- A tiny reader of the Prometheus text format and of the two HA-guide alert rules ----

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

type Matcher = readonly [label: string, op: '=' | '!=', value: string];

const SAMPLE_LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL_PAIR = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL_PAIR)) labels[name!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** `name{a="x",b!="y"}` → the metric name and its matchers. */
function parseSelector(selector: string): { name: string; matchers: Matcher[] } {
  const match = /^(\w+)(?:\{(.*)\})?$/.exec(selector.trim());
  assert.ok(match, `unsupported selector: ${selector}`);
  const matchers = [...(match[2] ?? '').matchAll(/(\w+)\s*(!=|=)\s*"([^"]*)"/g)].map(
    ([, label, op, value]) => [label!, op as '=' | '!=', value!] as const,
  );
  return { name: match[1]!, matchers };
}

/** PromQL's `sum(selector)`: an absent label matches as ''. */
function sum(samples: readonly Sample[], selector: string): number {
  const { name, matchers } = parseSelector(selector);
  return samples
    .filter((sample) => sample.name === name)
    .filter((sample) =>
      matchers.every(
        ([label, op, value]) => ((sample.labels[label] ?? '') === value) === (op === '='),
      ),
    )
    .reduce((total, sample) => total + sample.value, 0);
}

/**
 * Evaluates `sum(rate(sel[w]))` as the counter's increase between two scrapes (the window's
 * length cancels out of every ratio) and `sum(sel)` on the later scrape. Supports the shapes
 * of the HA guide's rules: `(A / B) > n` and `A == n`. No data (0 / 0) never fires.
 */
function alertFires(
  expression: string,
  before: readonly Sample[],
  after: readonly Sample[],
): boolean {
  const term = (text: string): number => {
    const trimmed = text.trim();
    const rate = /^sum\(rate\((.+)\[\w+\]\)\)$/.exec(trimmed);
    if (rate) return sum(after, rate[1]!) - sum(before, rate[1]!);
    const instant = /^sum\((.+)\)$/.exec(trimmed);
    assert.ok(instant, `unsupported term: ${trimmed}`);
    return sum(after, instant[1]!);
  };
  const comparison = /^(.*?)\s*(>|==)\s*([\d.]+)$/.exec(expression.trim());
  assert.ok(comparison, `unsupported expression: ${expression}`);
  const left = comparison[1]!.replace(/^\((.*)\)$/, '$1');
  const [numerator, denominator] = left.split(' / ');
  const value = denominator === undefined ? term(numerator!) : term(numerator!) / term(denominator);
  if (Number.isNaN(value)) return false;
  const threshold = Number(comparison[3]);
  return comparison[2] === '>' ? value > threshold : value === threshold;
}

const HIGH_ERROR_RATE =
  '(sum(rate(litellm_requests_total{status!="success"}[5m])) / sum(rate(litellm_requests_total[5m]))) > 0.01';
const ALL_PROVIDERS_DOWN = 'sum(litellm_model_health_status{status="healthy"}) == 0';

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`, { headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

// ---- Configs ----

/** Two deployments of `chat-group` (dep-a on upstream a, dep-b on b) plus any extra YAML. */
function pair(a: MockUpstream, b: MockUpstream, extra = ''): string {
  return `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
    model_info: { id: dep-b }
${extra}`;
}

/** One deployment, `solo` (dep-solo), on upstream a; no retries. */
function solo(a: MockUpstream, extra = ''): string {
  return `
model_list:
  - model_name: solo
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-solo }
router_settings: { num_retries: 0 }
${extra}`;
}

/** random() = 0: simple-shuffle offers dep-a first whenever it is available. */
const A_FIRST = (): number => 0;

void describe('metrics', E2E_SUITE, () => {
  void test('successful calls are counted per deployment with the requested model', async () => {
    const { url, upstreams } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    await chat(url, 'solo');
    await chat(url, 'solo');
    const samples = await scrape(url);
    const labels = `requested_model="solo",model_id="dep-solo",litellm_model_name="gpt-4o-mini",api_provider="openai",api_base="${upstreams.a.baseUrl}"`;
    assert.equal(sum(samples, `litellm_deployment_success_responses_total{${labels}}`), 2);
    assert.equal(sum(samples, `litellm_deployment_total_requests_total{${labels}}`), 2);
    assert.equal(sum(samples, 'litellm_deployment_failure_responses_total'), 0);
  });

  void test('a failed call is counted with its exception_status and exception_class', async () => {
    const { url, upstreams } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    upstreams.a.fail({ status: 503, times: 1 });
    await expectOpenAiError(await chat(url, 'solo'), 503);
    await chat(url, 'solo');
    const samples = await scrape(url);
    const failure =
      'litellm_deployment_failure_responses_total{model_id="dep-solo",requested_model="solo",exception_status="503",exception_class="ServiceUnavailableError"}';
    assert.equal(sum(samples, failure), 1);
    assert.equal(sum(samples, 'litellm_deployment_total_requests_total{model_id="dep-solo"}'), 2);
    assert.equal(sum(samples, 'litellm_deployment_success_responses_total'), 1);
  });

  void test('the proxy counts requests by status code and failed requests by class', async () => {
    const { url, upstreams } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    upstreams.a.fail({ status: 500, times: 1 });
    await chat(url, 'solo');
    await chat(url, 'solo');
    await expectOpenAiError(await chat(url, 'no-such-model'), 400);
    const samples = await scrape(url);
    const total = 'litellm_proxy_total_requests_metric_total';
    assert.equal(sum(samples, `${total}{requested_model="solo",status_code="200"}`), 1);
    assert.equal(sum(samples, `${total}{requested_model="solo",status_code="500"}`), 1);
    assert.equal(
      sum(
        samples,
        'litellm_proxy_failed_requests_metric_total{requested_model="solo",exception_class="InternalServerError"}',
      ),
      1,
    );
    // A model the config does not define never becomes a label value: the client's string
    // would let any caller mint new series.
    assert.ok(!samples.some((s) => Object.values(s.labels).includes('no-such-model')));
  });

  void test('a bench sets litellm_deployment_state to 2 and counts one cooldown with its status', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { cooldown_time: 10 }'),
    });
    upstreams.a.fail({ status: 429, times: 1 });
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from b');
    const samples = await scrape(url);
    assert.equal(sum(samples, 'litellm_deployment_state{model_id="dep-a"}'), 2);
    assert.equal(sum(samples, 'litellm_deployment_state{model_id="dep-b"}'), 0);
    assert.equal(
      sum(samples, 'litellm_deployment_cooled_down_total{model_id="dep-a",exception_status="429"}'),
      1,
    );
  });

  void test('when the bench ends the state is 1 (half-open), and a successful probe returns it to 0', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { cooldown_time: 10 }'),
    });
    upstreams.a.fail({ status: 429, times: 1 });
    await chat(url, 'chat-group');
    clock.advance(10_000);
    assert.equal(sum(await scrape(url), 'litellm_deployment_state{model_id="dep-a"}'), 1);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
    const samples = await scrape(url);
    assert.equal(sum(samples, 'litellm_deployment_state{model_id="dep-a"}'), 0);
    assert.equal(sum(samples, 'litellm_deployment_cooled_down_total{model_id="dep-a"}'), 1);
  });

  void test('a fallback that answers increments litellm_deployment_successful_fallbacks', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'spare'],
      config: ({ a, spare }) => `
model_list:
  - model_name: main
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
  - model_name: spare
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${spare.baseUrl}, api_key: k }
router_settings: { num_retries: 0, fallbacks: [{ main: [spare] }] }
`,
    });
    upstreams.a.fail({ status: 500, times: 1 });
    assert.equal(await chatContent(await chat(url, 'main')), 'Hello from spare');
    const samples = await scrape(url);
    const labels = '{requested_model="main",fallback_model="spare"}';
    assert.equal(sum(samples, `litellm_deployment_successful_fallbacks_total${labels}`), 1);
    assert.equal(sum(samples, `litellm_deployment_failed_fallbacks_total${labels}`), 0);
  });

  void test('a stream records one time-to-first-token observation; a plain call records none', async () => {
    const { url } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    await chat(url, 'solo');
    const stream = await chat(url, 'solo', { stream: true });
    await stream.text();
    const samples = await scrape(url);
    const ttft =
      'litellm_llm_api_time_to_first_token_metric_count{model_id="dep-solo",requested_model="solo"}';
    assert.equal(sum(samples, ttft), 1);
    assert.equal(sum(samples, 'litellm_llm_api_latency_metric_count{model_id="dep-solo"}'), 2);
    assert.equal(
      sum(samples, 'litellm_request_total_latency_metric_count{requested_model="solo"}'),
      2,
    );
  });

  void test("the upstream's x-ratelimit-remaining-* headers show in the remaining gauges", async () => {
    const { url, upstreams } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    upstreams.a.fail({
      headers: { 'x-ratelimit-remaining-requests': '42', 'x-ratelimit-remaining-tokens': '9000' },
      times: 1,
    });
    await chat(url, 'solo');
    const samples = await scrape(url);
    const labels = '{model_group="solo",model_id="dep-solo",api_provider="openai"}';
    assert.equal(sum(samples, `litellm_remaining_requests_metric${labels}`), 42);
    assert.equal(sum(samples, `litellm_remaining_tokens_metric${labels}`), 9000);
  });

  void test('no api key or api_base credential appears anywhere in the metrics', async () => {
    const planted = 'sk-planted-7f3a9c';
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: A_FIRST,
      config: ({ a, b }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: ${planted} }
    model_info: { id: dep-a }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: ${planted} }
    model_info: { id: dep-b }
  - model_name: idle
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://user:${planted}@127.0.0.1:9/v1?key=${planted}", api_key: ${planted} }
    model_info: { id: dep-idle }
router_settings: { cooldown_time: 10 }
`,
    });
    upstreams.a.fail({ status: 429, times: 1 });
    await chat(url, 'chat-group');
    await chat(url, 'chat-group', { stream: true }).then((response) => response.text());
    const response = await fetch(`${url}/metrics`);
    const text = await response.text();
    assert.ok(text.includes('litellm_deployment_cooled_down_total{'), 'traffic was recorded');
    assert.ok(!text.includes(planted), 'a planted key leaked into /metrics');
    const idle = parseMetrics(text).find(
      (s) => s.name === 'litellm_deployment_state' && s.labels.model_id === 'dep-idle',
    );
    assert.equal(idle?.labels.api_base, 'http://127.0.0.1:9/v1');
  });

  void test('require_auth_for_metrics_endpoint puts /metrics behind the master key', async () => {
    const { url } = await start({
      upstreams: ['a'],
      config: ({ a }) =>
        solo(
          a,
          'general_settings: { master_key: sk-master, require_auth_for_metrics_endpoint: true }',
        ),
    });
    await expectOpenAiError(await fetch(`${url}/metrics`), 401);
    const samples = await scrape(url, { authorization: 'Bearer sk-master' });
    assert.ok(samples.length > 0);
  });

  void test('requests refused before routing are counted by status and class', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a'],
      config: ({ a }) => solo(a, 'general_settings: { master_key: sk-master }'),
    });
    await expectOpenAiError(await chat(url, 'solo'), 401);
    const samples = await scrape(url);
    assert.equal(
      sum(samples, 'litellm_proxy_failed_requests_metric_total{exception_status="401"}'),
      1,
    );
    assert.equal(sum(samples, 'litellm_requests_total{status!="success"}'), 1);
    assert.equal(upstreams.a.hits().total, 0);
  });

  void test('/metrics is open by default, even with a master key', async () => {
    const { url } = await start({
      upstreams: ['a'],
      config: ({ a }) => solo(a, 'general_settings: { master_key: sk-master }'),
    });
    assert.ok((await scrape(url)).length > 0);
    assert.equal((await fetch(`${url}/metrics/`)).status, 200);
  });

  void test('litellm_in_flight_requests counts an upstream call still awaiting its answer', async () => {
    const { url, upstreams } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    upstreams.a.fail({ hang: true, times: 1 });
    const client = new AbortController();
    const pending = chat(url, 'solo', {}, { signal: client.signal }).catch(() => undefined);
    await waitFor(() => upstreams.a.hanging() === 1);
    assert.equal(sum(await scrape(url), 'litellm_in_flight_requests'), 1);
    client.abort();
    await pending;
    await waitFor(() => upstreams.a.hanging() === 0);
    const samples = await scrape(url);
    assert.equal(sum(samples, 'litellm_in_flight_requests'), 0);
  });

  void test('each gateway in a process has its own registry', async () => {
    const first = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    const second = await start({ upstreams: ['b'], config: ({ b }) => solo(b) });
    await chat(first.url, 'solo');
    assert.equal(sum(await scrape(first.url), 'litellm_requests_total'), 1);
    assert.equal(sum(await scrape(second.url), 'litellm_requests_total'), 0);
  });

  void test('litellm_redis_connection_status is exported (0) only when Redis is configured', async () => {
    const plain = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    const text = await (await fetch(`${plain.url}/metrics`)).text();
    assert.ok(!text.includes('litellm_redis_connection_status'));
    const shared = await start({
      upstreams: ['b'],
      config: ({ b }) => `
model_list:
  - model_name: solo
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
router_settings: { redis_host: 127.0.0.1, redis_port: 6379 }
`,
    });
    const samples = await scrape(shared.url);
    assert.deepEqual(
      samples.filter((s) => s.name === 'litellm_redis_connection_status').map((s) => s.value),
      [0],
    );
  });

  void test('HighErrorRate stays quiet on healthy traffic', async () => {
    const { url } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    const before = await scrape(url);
    for (let i = 0; i < 5; i += 1) await chat(url, 'solo');
    assert.equal(alertFires(HIGH_ERROR_RATE, before, await scrape(url)), false);
  });

  void test('HighErrorRate fires once more than 1% of requests fail', async () => {
    const { url, upstreams } = await start({ upstreams: ['a'], config: ({ a }) => solo(a) });
    for (let i = 0; i < 5; i += 1) await chat(url, 'solo');
    const before = await scrape(url);
    upstreams.a.fail({ status: 500, times: 1 });
    for (let i = 0; i < 5; i += 1) await chat(url, 'solo');
    const after = await scrape(url);
    assert.equal(sum(after, 'litellm_requests_total{status="InternalServerError"}'), 1);
    assert.equal(alertFires(HIGH_ERROR_RATE, before, after), true);
  });

  void test('AllProvidersDown stays quiet while one deployment is healthy', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { num_retries: 0 }'),
    });
    const idle = await scrape(url);
    assert.equal(alertFires(ALL_PROVIDERS_DOWN, idle, idle), false);
    upstreams.a.fail({ kind: 'auth', times: 1 });
    await expectOpenAiError(await chat(url, 'chat-group'), 401);
    const samples = await scrape(url);
    assert.equal(
      sum(samples, 'litellm_model_health_status{model_id="dep-a",status="unhealthy"}'),
      1,
    );
    assert.equal(alertFires(ALL_PROVIDERS_DOWN, samples, samples), false);
  });

  void test('AllProvidersDown fires when every deployment is benched', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { num_retries: 0 }'),
    });
    upstreams.a.fail({ kind: 'auth', times: 1 });
    upstreams.b.fail({ kind: 'auth', times: 1 });
    await expectOpenAiError(await chat(url, 'chat-group'), 401);
    await expectOpenAiError(await chat(url, 'chat-group'), 401);
    const samples = await scrape(url);
    assert.equal(sum(samples, 'litellm_deployment_state'), 4);
    assert.equal(alertFires(ALL_PROVIDERS_DOWN, samples, samples), true);
  });
});
