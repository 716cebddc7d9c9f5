import { createHttpProvider } from '../http-provider.ts';
import {
  CONFORMANCE_TEXT,
  CONFORMANCE_TOOL_CALL,
  CONFORMANCE_USAGE,
  runProviderConformance,
  type WireAnswer,
} from '../testing/provider-conformance.ts';
import { createAnthropicCodec } from './anthropic-codec.ts';
import { anthropicDeployment } from './fixtures/fixtures.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const USAGE = {
  input_tokens: CONFORMANCE_USAGE.prompt_tokens,
  output_tokens: CONFORMANCE_USAGE.completion_tokens,
};

function message(content: object[], stopReason: string): WireAnswer {
  return {
    status: 200,
    headers: JSON_HEADERS,
    body: JSON.stringify({
      id: 'msg_conformance',
      type: 'message',
      role: 'assistant',
      model: 'claude-3-5-sonnet-20241022',
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: USAGE,
    }),
  };
}

function event(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

function error(status: number, type: string, text: string, headers: object = {}): WireAnswer {
  return {
    status,
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify({ type: 'error', error: { type, message: text }, request_id: 'req_1' }),
  };
}

runProviderConformance({
  name: 'anthropic',
  createProvider: (transport) => createHttpProvider(createAnthropicCodec(), transport),
  deployment: (apiBase) => anthropicDeployment({ apiBase }),
  answer(scenario) {
    switch (scenario) {
      case 'text':
        return message([{ type: 'text', text: CONFORMANCE_TEXT }], 'end_turn');
      case 'tool-call':
        return message(
          [
            {
              type: 'tool_use',
              id: 'toolu_conformance',
              name: CONFORMANCE_TOOL_CALL.name,
              input: CONFORMANCE_TOOL_CALL.arguments,
            },
          ],
          'tool_use',
        );
      case 'stream':
        return {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: [
            event('message_start', {
              message: {
                id: 'msg_conformance',
                type: 'message',
                role: 'assistant',
                model: 'claude-3-5-sonnet-20241022',
                content: [],
                stop_reason: null,
                usage: { input_tokens: USAGE.input_tokens, output_tokens: 1 },
              },
            }),
            event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
            event('ping', {}),
            event('content_block_delta', {
              index: 0,
              delta: { type: 'text_delta', text: CONFORMANCE_TEXT.slice(0, 5) },
            }),
            event('content_block_delta', {
              index: 0,
              delta: { type: 'text_delta', text: CONFORMANCE_TEXT.slice(5) },
            }),
            event('content_block_stop', { index: 0 }),
            event('message_delta', {
              delta: { stop_reason: 'end_turn', stop_sequence: null },
              usage: { output_tokens: USAGE.output_tokens },
            }),
            event('message_stop', {}),
          ],
        };
      case 'rate-limit':
        return error(429, 'rate_limit_error', 'This request would exceed the rate limit', {
          'retry-after': '3',
        });
      case 'overloaded':
        return error(529, 'overloaded_error', 'Overloaded');
      case 'context-window':
        return error(
          400,
          'invalid_request_error',
          'prompt is too long: 208310 tokens > 200000 maximum',
        );
      case 'auth':
        return error(401, 'authentication_error', 'invalid x-api-key');
    }
  },
});
