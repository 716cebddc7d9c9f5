/**
 * Test support: the answers of an OpenAI-compatible upstream for each conformance scenario, so
 * every preset's conformance case is a few lines. Error answers can be replaced by a server's own
 * (TGI's validation error, say). Imported by tests only.
 */
import {
  CONFORMANCE_TEXT,
  CONFORMANCE_TOOL_CALL,
  CONFORMANCE_USAGE,
  type ConformanceScenario,
  type WireAnswer,
} from '../testing/provider-conformance.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const IDENTITY = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'served-model' };

function completion(message: object, finishReason: string): WireAnswer {
  const choices = [{ index: 0, message, finish_reason: finishReason }];
  const body = { ...IDENTITY, object: 'chat.completion', choices, usage: CONFORMANCE_USAGE };
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function chunk(choices: object[], extra: object = {}): string {
  return `data: ${JSON.stringify({ ...IDENTITY, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
}

/** An OpenAI-shaped error answer. */
export function openAIError(
  status: number,
  message: string,
  type = 'invalid_request_error',
): WireAnswer {
  const body = { error: { message, type, param: null, code: null } };
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** The answer to `scenario`; `errors` replaces the default error answers. */
export function openAIWireAnswer(
  scenario: ConformanceScenario,
  errors: Partial<Record<ConformanceScenario, WireAnswer>> = {},
): WireAnswer {
  const override = errors[scenario];
  if (override !== undefined) return override;
  switch (scenario) {
    case 'text':
      return completion({ role: 'assistant', content: CONFORMANCE_TEXT }, 'stop');
    case 'tool-call': {
      const fn = {
        ...CONFORMANCE_TOOL_CALL,
        arguments: JSON.stringify(CONFORMANCE_TOOL_CALL.arguments),
      };
      const call = { id: 'call_1', type: 'function', function: fn };
      return completion({ role: 'assistant', content: null, tool_calls: [call] }, 'tool_calls');
    }
    case 'stream':
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: [
          chunk([
            { index: 0, delta: { role: 'assistant', content: CONFORMANCE_TEXT.slice(0, 5) } },
          ]),
          chunk([
            { index: 0, delta: { content: CONFORMANCE_TEXT.slice(5) }, finish_reason: 'stop' },
          ]),
          chunk([], { usage: CONFORMANCE_USAGE }),
          'data: [DONE]\n\n',
        ],
      };
    case 'rate-limit':
      return openAIError(429, 'Rate limit reached', 'rate_limit_error');
    case 'overloaded':
      return openAIError(503, 'The server is overloaded', 'server_error');
    case 'context-window':
      return openAIError(400, "This model's maximum context length is 8192 tokens.");
    case 'auth':
      return openAIError(401, 'Invalid API key', 'authentication_error');
  }
}
