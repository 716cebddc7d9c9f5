/**
 * Secrets never leave the gateway: an upstream api key, the master key and a Redis password
 * are planted in a config, traffic (including failures whose upstream echoes the key) runs,
 * and every output is searched for them: log lines at trace level, response bodies and
 * headers, `/health`, and `switchyard check`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useChildren } from './helpers/child-gateway.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, postJson } from './helpers/http.ts';
import { captureLogs } from './helpers/log-capture.ts';

const API_KEY = 'sk-planted-upstream-9f3c1e7a';
const MASTER_KEY = 'sk-planted-master-5b2d8c4e';
const REDIS_PASSWORD = 'planted-redis-pw-7a1f0d3b';
const SECRETS = [API_KEY, MASTER_KEY, REDIS_PASSWORD];

const start = useGateways();
const children = useChildren();

function config(apiBase: string): string {
  return `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o, api_base: ${apiBase}, api_key: ${API_KEY} }
    model_info: { id: dep-a }
router_settings:
  num_retries: 0
  # Every failing request must reach the upstream that echoes the key, not a bench.
  disable_cooldowns: true
  redis_host: 127.0.0.1
  redis_port: 6399
  redis_password: ${REDIS_PASSWORD}
general_settings:
  master_key: ${MASTER_KEY}
`;
}

/** Everything a client could see of a response: status line, headers, body. */
async function transcript(response: Response): Promise<string> {
  const headers = [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`);
  return `${response.status}\n${headers.join('\n')}\n\n${await response.text()}`;
}

function assertNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) {
    assert.ok(!text.includes(secret), `${where} contains a planted secret:\n${text}`);
  }
}

/** The upstream's 401 quoting the key it was sent, as some OpenAI-compatible servers do. */
const ECHO_401 = {
  status: 401,
  body: {
    error: {
      message: `Incorrect API key provided: ${API_KEY}. You can find your API key at …`,
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    },
  },
};

void describe('planted secrets', E2E_SUITE, () => {
  void test('appear in no log line, response or /health answer, whatever the traffic', async () => {
    const logs = captureLogs('trace');
    const { url, upstreams } = await start({
      upstreams: ['a'],
      logger: logs.logger,
      config: ({ a }) => config(a.baseUrl),
    });
    const auth = { headers: { authorization: `Bearer ${MASTER_KEY}` } };
    const outputs: string[] = [];
    const keep = async (response: Promise<Response>): Promise<void> => {
      outputs.push(await transcript(await response));
    };

    await keep(chat(url, 'chat-group', {}, auth));
    upstreams.a.fail(ECHO_401);
    await keep(chat(url, 'chat-group', {}, auth));
    await keep(chat(url, 'chat-group', { stream: true }, auth));
    upstreams.a.fail({ status: 401, body: `bad key ${API_KEY}` });
    await keep(chat(url, 'chat-group', {}, auth));
    await keep(fetch(`${url}/health`, auth));
    upstreams.a.reset();
    await keep(postJson(`${url}/v1/chat/completions`, '{"model": ', auth));
    await keep(postJson(`${url}/v1/chat/completions`, { model: 'chat-group' }, auth));
    await keep(chat(url, 'no-such-group', {}, auth));
    await keep(chat(url, 'chat-group', {}, { headers: { authorization: `Bearer ${API_KEY}` } }));
    await keep(chat(url, 'chat-group'));
    await keep(fetch(`${url}/health/readiness`));

    assert.ok(
      outputs.some((output) => output.startsWith('401')),
      'the echoing 401 was served',
    );
    const requestLines = logs.lines().filter((line) => line.msg === 'request');
    assert.equal(requestLines.length, 4, 'the request log saw the four routed requests');
    outputs.forEach((output, index) => assertNoSecret(`response #${index}`, output));
    assertNoSecret('the gateway log', logs.text());
  });

  void test('appear nowhere in the output of switchyard check', async () => {
    const path = children.writeConfig(config('http://127.0.0.1:9/v1'));
    const result = await children.runCli(['check', '--config', path]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /config OK/);
    assertNoSecret('switchyard check', result.stdout + result.stderr);
  });
});
