/**
 * The multi-provider configuration of the high-availability deployment guide, run as a user
 * copies it (its `{model, fallback_models}` fallbacks and per-status `retry_policy` included),
 * with every upstream a loopback mock: OpenAI and Azure serve gpt-4o, Anthropic and Bedrock
 * serve claude-sonnet-4, routing is latency-based, and a failure on one provider lands on
 * another. Time is a fake clock, so the guide's 10-60 s retry waits cost nothing.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { startGateway, type Gateway } from '../src/server/start-gateway.ts';
import {
  createFakeClock,
  MOCK_AWS_CREDENTIALS,
  startMockAnthropic,
  startMockBedrock,
  startMockUpstream,
  type MockBedrock,
  type MockUpstream,
} from '../src/testing/index.ts';
import { advanceUntil } from './helpers/fake-time.ts';
import { planFromYaml } from './helpers/gateway-fixture.ts';
import { chat } from './helpers/http.ts';

/** The guide's config, unchanged but for its comments. */
const HA_GUIDE_CONFIG = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: gpt-4o
      api_key: os.environ/OPENAI_API_KEY
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_key: os.environ/AZURE_API_KEY
      api_base: os.environ/AZURE_API_BASE
      api_version: "2024-02-15-preview"
  - model_name: claude-sonnet-4
    litellm_params:
      model: anthropic/claude-sonnet-4-20250514
      api_key: os.environ/ANTHROPIC_API_KEY
  - model_name: claude-sonnet-4
    litellm_params:
      model: bedrock/anthropic.claude-3-sonnet-20240229-v1:0
      aws_access_key_id: os.environ/AWS_ACCESS_KEY_ID
      aws_secret_access_key: os.environ/AWS_SECRET_ACCESS_KEY
      aws_region_name: us-east-1
router_settings:
  routing_strategy: latency-based-routing
  allowed_fails: 3
  cooldown_time: 60
  num_retries: 2
  retry_after: 10
  timeout: 30
  retry_policy:
    - status_code: 429
      retry_after: 60
    - status_code: 500
      retry_after: 10
    - status_code: 503
      retry_after: 30
  fallbacks:
    - model: gpt-4o
      fallback_models: ["azure/gpt-4o", "claude-sonnet-4"]
`;

interface ChatAnswer {
  readonly choices: readonly { readonly message: { readonly content: string } }[];
}

void describe('the HA guide multi-provider failover config', { timeout: 30_000 }, () => {
  let openai: MockUpstream;
  let azure: MockUpstream;
  let anthropic: MockUpstream;
  let bedrock: MockBedrock;
  let gateway: Gateway | undefined;
  // Starts at the real time: Bedrock's signatures carry the (fake) signing date.
  const clock = createFakeClock(Date.now());

  before(async () => {
    openai = await startMockUpstream({ name: 'openai' });
    azure = await startMockUpstream({ name: 'azure' });
    anthropic = await startMockAnthropic({ name: 'anthropic' });
    bedrock = await startMockBedrock();
  });
  afterEach(async () => {
    await gateway?.drain();
    gateway = undefined;
    for (const mock of [openai, azure, anthropic]) mock.reset();
  });
  after(async () => {
    await Promise.all([openai.close(), azure.close(), anthropic.close(), bedrock.close()]);
  });

  async function start(): Promise<string> {
    const env = {
      OPENAI_API_KEY: 'sk-openai',
      OPENAI_API_BASE: openai.baseUrl,
      AZURE_API_KEY: 'azure-key',
      AZURE_API_BASE: azure.url,
      ANTHROPIC_API_KEY: 'sk-ant',
      ANTHROPIC_API_BASE: anthropic.url,
      AWS_ACCESS_KEY_ID: MOCK_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOCK_AWS_CREDENTIALS.secretAccessKey,
      AWS_BEDROCK_RUNTIME_ENDPOINT: bedrock.url,
    };
    gateway = await startGateway({
      plan: planFromYaml(HA_GUIDE_CONFIG, env),
      port: 0,
      host: '127.0.0.1',
      clock,
      random: () => 0,
    });
    return gateway.url;
  }

  /** Sends a chat and moves the fake clock until it is answered (retry waits are fake time). */
  async function ask(url: string, model: string): Promise<{ status: number; text: string }> {
    let result: { status: number; text: string } | undefined;
    const pending = chat(url, model).then(async (response) => {
      const body = (await response.json()) as ChatAnswer;
      result = { status: response.status, text: body.choices?.[0]?.message.content ?? '' };
    });
    await advanceUntil(clock, () => result !== undefined, { stepMs: 500, maxMs: 300_000 });
    await pending;
    return result!;
  }

  void test('both groups answer from their own providers while all are healthy', async () => {
    const url = await start();
    const gpt = await ask(url, 'gpt-4o');
    const claude = await ask(url, 'claude-sonnet-4');
    assert.equal(gpt.status, 200);
    assert.match(gpt.text, /^Hello from (openai|azure)$/);
    assert.equal(claude.status, 200);
    assert.match(claude.text, /^Hello from (anthropic|bedrock)$/);
  });

  void test('OpenAI down: gpt-4o is answered by its Azure deployment', async () => {
    const url = await start();
    openai.fail({ kind: 'server_error', status: 503 });
    for (let i = 0; i < 3; i += 1) {
      const answer = await ask(url, 'gpt-4o');
      assert.deepEqual(answer, { status: 200, text: 'Hello from azure' });
    }
  });

  void test('Anthropic overloaded: claude-sonnet-4 is answered by Bedrock', async () => {
    const url = await start();
    anthropic.fail({ kind: 'overloaded' });
    for (let i = 0; i < 3; i += 1) {
      const answer = await ask(url, 'claude-sonnet-4');
      assert.deepEqual(answer, { status: 200, text: 'Hello from bedrock' });
    }
    assert.ok(bedrock.hits().total >= 3);
  });

  void test('OpenAI and Azure both down: the fallback chain ends on the Claude group', async () => {
    const url = await start();
    openai.fail({ kind: 'server_error', status: 500 });
    azure.fail({ kind: 'rate_limit' });
    const answer = await ask(url, 'gpt-4o');
    assert.equal(answer.status, 200);
    assert.match(answer.text, /^Hello from (anthropic|bedrock)$/);
    // "azure/gpt-4o" was tried as a fallback before the Claude group.
    assert.ok(azure.hits().total >= 2, `azure saw ${azure.hits().total} calls`);
  });
});
