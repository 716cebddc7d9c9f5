/**
 * The provider conformance suite: the promises every provider adapter keeps, run end to end
 * (codec + the real HTTP transport + a loopback server speaking the provider's wire format).
 * A provider supplies a ProviderConformanceCase (how to build it, and its upstream's recorded-
 * style answers for a fixed list of scenarios); runProviderConformance() registers the tests.
 * Imported by tests only.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Deployment } from '../../core/deployment.ts';
import type { GatewayRequestBody, JsonObject } from '../../core/openai-types.ts';
import type { ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Provider } from '../provider.ts';
import { createHttpTransport } from '../transport/http-transport.ts';
import type { Transport } from '../transport/transport.ts';
import {
  startLoopbackServer,
  type LoopbackServer,
  type ReceivedRequest,
} from './loopback-server.ts';

/** The answer text every case's upstream gives (whole, or split across stream events). */
export const CONFORMANCE_TEXT = 'Hello from the conformance upstream';
/** The usage every case's upstream reports for a text answer or a stream. */
export const CONFORMANCE_USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
/** The tool call every case's upstream makes in the `tool-call` scenario. */
export const CONFORMANCE_TOOL_CALL = { name: 'get_weather', arguments: { city: 'Paris' } };
/** The system prompt sent in every scenario: it must reach the upstream in some form. */
export const CONFORMANCE_SYSTEM = 'You are a terse assistant.';

/**
 * What the upstream is asked to do:
 * - `text`: a plain answer of CONFORMANCE_TEXT with CONFORMANCE_USAGE, finish reason "stop";
 * - `tool-call`: one call of CONFORMANCE_TOOL_CALL (id of the provider's choosing);
 * - `stream`: CONFORMANCE_TEXT in at least two pieces, then the usage, then the terminator;
 * - `rate-limit`, `overloaded`, `context-window`, `auth`: the provider's own error answer.
 */
export type ConformanceScenario =
  'text' | 'tool-call' | 'stream' | 'rate-limit' | 'overloaded' | 'context-window' | 'auth';

/** A wire answer: a whole body, or stream pieces written one by one (flushed between). */
export interface WireAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | readonly (string | Uint8Array)[];
}

export interface ProviderConformanceCase {
  /** Shown in test names, e.g. `anthropic`. */
  readonly name: string;
  /** The provider under test, carried by `transport`. */
  createProvider(transport: Transport): Provider;
  /** A deployment of this provider whose upstream is `apiBase` (the loopback server). */
  deployment(apiBase: string): Deployment;
  /** The upstream's answer to `request` in `scenario`. */
  answer(scenario: ConformanceScenario, request: ReceivedRequest): WireAnswer;
  /**
   * The error kind each error scenario maps to. Default: rate-limit → RateLimitError,
   * overloaded → ServiceUnavailableError, context-window → ContextWindowExceededError,
   * auth → AuthenticationError.
   */
  readonly errorKinds?: Partial<Record<ConformanceScenario, ErrorKind>>;
}

const DEFAULT_ERROR_KINDS: Readonly<Partial<Record<ConformanceScenario, ErrorKind>>> = {
  'rate-limit': 'RateLimitError',
  overloaded: 'ServiceUnavailableError',
  'context-window': 'ContextWindowExceededError',
  auth: 'AuthenticationError',
};

/** Gateway-only fields the client sends that must never reach an upstream. */
const GATEWAY_FIELDS = {
  num_retries: 3,
  fallbacks: ['other-group'],
  mock_testing_fallbacks: false,
  litellm_trace_id: 'trace-1',
  api_base: 'http://attacker.invalid',
};

const TOOLS = [
  {
    type: 'function',
    function: {
      name: CONFORMANCE_TOOL_CALL.name,
      description: 'Current weather of a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];

function chatBody(extra: JsonObject = {}): GatewayRequestBody {
  return {
    model: 'conformance-group',
    messages: [
      { role: 'system', content: CONFORMANCE_SYSTEM },
      { role: 'user', content: 'What is the weather in Paris?' },
    ],
    tools: TOOLS,
    ...GATEWAY_FIELDS,
    ...extra,
  };
}

/** Registers the conformance tests for `providerCase`. */
export function runProviderConformance(providerCase: ProviderConformanceCase): void {
  describe(`provider conformance: ${providerCase.name}`, () => {
    let scenario: ConformanceScenario = 'text';
    let server: LoopbackServer;
    let transport: Transport;
    let provider: Provider;
    let deployment: Deployment;
    const errorKinds = { ...DEFAULT_ERROR_KINDS, ...providerCase.errorKinds };

    before(async () => {
      server = await startLoopbackServer((request, response) =>
        writeAnswer(response, providerCase.answer(scenario, request)),
      );
      transport = createHttpTransport();
      provider = providerCase.createProvider(transport);
      deployment = providerCase.deployment(server.url);
    });
    after(async () => {
      await transport.close();
      await server.close();
    });

    const call = (body: GatewayRequestBody, stream = false) => ({
      operation: 'chat' as const,
      deployment,
      body: stream ? { ...body, stream: true } : body,
      signal: new AbortController().signal,
    });
    const lastRequest = (): ReceivedRequest => {
      const request = server.requests.at(-1);
      assert.ok(request, 'the upstream received no request');
      return request;
    };

    test('answers in OpenAI chat format with usage', async () => {
      scenario = 'text';
      const { body } = await provider.send(call(chatBody()));
      assert.equal(body.object, 'chat.completion');
      const choice = (body.choices as JsonObject[])[0];
      assert.equal((choice?.message as JsonObject).content, CONFORMANCE_TEXT);
      assert.equal((choice?.message as JsonObject).role, 'assistant');
      assert.equal(choice?.finish_reason, 'stop');
      assert.deepEqual(body.usage, CONFORMANCE_USAGE);
    });

    test('sends the system prompt, the user message and the tools upstream', async () => {
      scenario = 'text';
      await provider.send(call(chatBody()));
      const sent = lastRequest().body;
      for (const text of [CONFORMANCE_SYSTEM, 'What is the weather in Paris?', 'get_weather']) {
        assert.ok(sent.includes(text), `the upstream body lacks ${JSON.stringify(text)}`);
      }
    });

    test('never sends gateway-only fields or another api_base upstream', async () => {
      scenario = 'text';
      await provider.send(call(chatBody()));
      const { body, url } = lastRequest();
      for (const field of Object.keys(GATEWAY_FIELDS)) {
        assert.ok(!body.includes(`"${field}"`), `the upstream body carries ${field}`);
      }
      assert.ok(!body.includes('attacker.invalid') && !url.includes('attacker.invalid'));
    });

    test('decodes a tool call into OpenAI tool_calls', async () => {
      scenario = 'tool-call';
      const { body } = await provider.send(call(chatBody()));
      const choice = (body.choices as JsonObject[])[0];
      assert.equal(choice?.finish_reason, 'tool_calls');
      const calls = (choice?.message as JsonObject).tool_calls as JsonObject[];
      assert.equal(calls.length, 1);
      assert.equal(calls[0]?.type, 'function');
      assert.equal(typeof calls[0]?.id, 'string');
      const fn = calls[0]?.function as JsonObject;
      assert.equal(fn.name, CONFORMANCE_TOOL_CALL.name);
      assert.deepEqual(JSON.parse(fn.arguments as string), CONFORMANCE_TOOL_CALL.arguments);
    });

    test('streams OpenAI chunks whose text adds up, with usage, and ends', async () => {
      scenario = 'stream';
      const stream = await provider.openStream(call(chatBody(), true));
      let text = '';
      let usage: unknown;
      let pieces = 0;
      for await (const chunk of stream) {
        assert.equal(chunk.object, 'chat.completion.chunk');
        const delta = (chunk.choices as JsonObject[] | undefined)?.[0]?.delta as
          JsonObject | undefined;
        if (typeof delta?.content === 'string' && delta.content !== '') {
          text += delta.content;
          pieces += 1;
        }
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, CONFORMANCE_TEXT);
      assert.ok(pieces >= 2, 'the text came in one piece');
      assert.deepEqual(usage, CONFORMANCE_USAGE);
    });

    for (const [errorScenario, kind] of Object.entries(errorKinds)) {
      test(`maps the ${errorScenario} answer to ${kind}`, async () => {
        scenario = errorScenario as ConformanceScenario;
        const error = await provider.send(call(chatBody())).then(
          () => assert.fail('the call succeeded'),
          (thrown: unknown) => thrown,
        );
        assert.ok(error instanceof GatewayError, String(error));
        assert.equal(error.kind, kind);
        assert.equal(error.deploymentId, deployment.id);
        const key = deployment.apiKey;
        if (key !== undefined) assert.ok(!error.message.includes(key), 'the key leaked');
      });
    }
  });
}

function writeAnswer(response: ServerResponse, answer: WireAnswer): void {
  response.writeHead(answer.status, { ...answer.headers });
  if (typeof answer.body === 'string' || answer.body instanceof Uint8Array) {
    response.end(answer.body);
    return;
  }
  for (const piece of answer.body) response.write(piece);
  response.end();
}
