import { createHttpProvider } from '../http-provider.ts';
import {
  CONFORMANCE_TEXT,
  CONFORMANCE_TOOL_CALL,
  CONFORMANCE_USAGE,
  runProviderConformance,
  type WireAnswer,
} from '../testing/provider-conformance.ts';
import { testDeployment } from './fixtures/fixtures.ts';
import { createOpenAICodec } from './openai-codec.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };

function completion(message: object, finishReason: string): WireAnswer {
  return {
    status: 200,
    headers: JSON_HEADERS,
    body: JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message, finish_reason: finishReason }],
      usage: CONFORMANCE_USAGE,
    }),
  };
}

function chunk(delta: object, extra: object = {}): string {
  const body = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o' };
  return `data: ${JSON.stringify({ ...body, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
}

function error(status: number, type: string, message: string, code?: string): WireAnswer {
  return {
    status,
    headers: JSON_HEADERS,
    body: JSON.stringify({ error: { message, type, param: null, code: code ?? null } }),
  };
}

runProviderConformance({
  name: 'openai',
  createProvider: (transport) => createHttpProvider(createOpenAICodec(), transport),
  deployment: (apiBase) => testDeployment({ apiBase }),
  answer(scenario) {
    switch (scenario) {
      case 'text':
        return completion({ role: 'assistant', content: CONFORMANCE_TEXT }, 'stop');
      case 'tool-call':
        return completion(
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: {
                  name: CONFORMANCE_TOOL_CALL.name,
                  arguments: JSON.stringify(CONFORMANCE_TOOL_CALL.arguments),
                },
              },
            ],
          },
          'tool_calls',
        );
      case 'stream':
        return {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: [
            chunk({ role: 'assistant', content: CONFORMANCE_TEXT.slice(0, 5) }),
            chunk({ content: CONFORMANCE_TEXT.slice(5) }),
            `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: CONFORMANCE_USAGE })}\n\n`,
            'data: [DONE]\n\n',
          ],
        };
      case 'rate-limit':
        return error(429, 'requests', 'Rate limit reached for gpt-4o', 'rate_limit_exceeded');
      case 'overloaded':
        return error(503, 'server_error', 'The server is overloaded');
      case 'context-window':
        return error(
          400,
          'invalid_request_error',
          "This model's maximum context length is 128000 tokens.",
          'context_length_exceeded',
        );
      case 'auth':
        return error(401, 'invalid_request_error', 'Incorrect API key provided', 'invalid_api_key');
    }
  },
});
