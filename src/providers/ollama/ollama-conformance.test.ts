/** The provider conformance suite for both Ollama codecs: `ollama/` and `ollama_chat/`. */
import { createHttpProvider } from '../http-provider.ts';
import {
  CONFORMANCE_TEXT,
  CONFORMANCE_TOOL_CALL,
  CONFORMANCE_USAGE,
  runProviderConformance,
  type ConformanceScenario,
  type WireAnswer,
} from '../testing/provider-conformance.ts';
import { createOllamaCodec, type OllamaMode } from './ollama-codec.ts';
import { ollamaDeployment } from './fixtures/fixtures.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const COUNTS = {
  prompt_eval_count: CONFORMANCE_USAGE.prompt_tokens,
  eval_count: CONFORMANCE_USAGE.completion_tokens,
};
const META = { model: 'llama3.2', created_at: '2025-01-01T00:00:00Z' };

/** One answer object of `mode`'s endpoint carrying `text` (and chat tool calls). */
function answerObject(mode: OllamaMode, text: string, toolCalls?: unknown[]): object {
  if (mode === 'generate') return { ...META, response: text };
  return { ...META, message: { role: 'assistant', content: text, tool_calls: toolCalls } };
}

function whole(mode: OllamaMode, text: string, toolCalls?: unknown[]): WireAnswer {
  return {
    status: 200,
    headers: JSON_HEADERS,
    body: JSON.stringify({
      ...answerObject(mode, text, toolCalls),
      done: true,
      done_reason: 'stop',
      ...COUNTS,
    }),
  };
}

function error(status: number, text: string): WireAnswer {
  return { status, headers: JSON_HEADERS, body: JSON.stringify({ error: text }) };
}

function answer(mode: OllamaMode, scenario: ConformanceScenario): WireAnswer {
  switch (scenario) {
    case 'text':
      return whole(mode, CONFORMANCE_TEXT);
    case 'tool-call':
      // /api/chat calls tools natively; /api/generate answers the JSON the tool prompt asks for.
      return mode === 'chat'
        ? whole(mode, '', [{ function: CONFORMANCE_TOOL_CALL }])
        : whole(mode, JSON.stringify(CONFORMANCE_TOOL_CALL));
    case 'stream': {
      const line = (object: object): string => `${JSON.stringify(object)}\n`;
      return {
        status: 200,
        headers: { 'content-type': 'application/x-ndjson' },
        body: [
          line({ ...answerObject(mode, CONFORMANCE_TEXT.slice(0, 5)), done: false }),
          line({ ...answerObject(mode, CONFORMANCE_TEXT.slice(5)), done: false }),
          line({ ...answerObject(mode, ''), done: true, done_reason: 'stop', ...COUNTS }),
        ],
      };
    }
    case 'rate-limit':
      // Ollama has no rate limits of its own; an auth/rate-limiting proxy in front of it does.
      return {
        ...error(429, 'too many requests'),
        headers: { ...JSON_HEADERS, 'retry-after': '1' },
      };
    case 'overloaded':
      return error(503, 'server busy, please try again.  maximum pending requests exceeded');
    case 'context-window':
      return error(400, 'the input length exceeds the context length');
    case 'auth':
      return error(401, 'unauthorized');
  }
}

for (const mode of ['generate', 'chat'] as const) {
  const name = mode === 'chat' ? 'ollama_chat' : 'ollama';
  runProviderConformance({
    name,
    createProvider: (transport) => createHttpProvider(createOllamaCodec({ mode }), transport),
    deployment: (apiBase) => ollamaDeployment({ apiBase, provider: name }),
    answer: (scenario) => answer(mode, scenario),
  });
}
