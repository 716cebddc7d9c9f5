/**
 * Decodes an Ollama NDJSON stream (one JSON object per line, framed by transport/ndjson.ts) into
 * OpenAI chunks. `/api/chat` lines carry `message.content` (and `message.tool_calls`, whole, with
 * object arguments); `/api/generate` lines carry `response`. The last line has `done: true`,
 * `done_reason` and the token counts: it becomes one final chunk with the finish reason and the
 * usage, and ends the stream. An `{"error": "…"}` line is thrown as the mapped GatewayError.
 */
import type { Deployment } from '../../core/deployment.ts';
import type { JsonObject, StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject, redact } from '../openai/error-mapping.ts';
import type { SseEvent, StreamDecoder } from '../provider.ts';
import { OLLAMA_LABEL } from './ollama-content.ts';
import { mapOllamaError, statusOfOllamaError } from './ollama-errors.ts';
import { createdOf, finishReason, newId, toOpenAIToolCalls, usageOf } from './ollama-response.ts';
import type { OllamaPayload } from './ollama-response.ts';

/** Which endpoint the stream comes from, and which OpenAI format it is turned into. */
export type OllamaStreamKind = 'chat' | 'generate-chat' | 'completion';

/** Options of createOllamaStreamDecoder(). */
export interface OllamaStreamDecoderOptions {
  readonly kind: OllamaStreamKind;
  readonly deployment: Deployment;
  /** Wall-clock ms. */
  readonly now: () => number;
}

/** A decoder for one stream; it remembers the id, whether the role was sent and tool calls. */
export function createOllamaStreamDecoder(options: OllamaStreamDecoderOptions): StreamDecoder {
  const { kind, deployment, now } = options;
  const id = newId(kind === 'completion' ? 'cmpl-' : 'chatcmpl-');
  let roleSent = false;
  let toolCalls = 0;

  const chunk = (
    payload: OllamaPayload,
    choice: JsonObject,
    extra: JsonObject = {},
  ): StreamChunk => ({
    id,
    object: kind === 'completion' ? 'text_completion' : 'chat.completion.chunk',
    created: createdOf(payload, now()),
    model: typeof payload.model === 'string' ? payload.model : deployment.upstreamModel,
    choices: [{ index: 0, ...choice }],
    ...extra,
  });

  /** The delta of one line, or undefined when it carries nothing. */
  const delta = (payload: OllamaPayload): JsonObject | undefined => {
    const message = kind === 'chat' ? (asObject(payload.message) ?? {}) : payload;
    const text = kind === 'chat' ? message.content : payload.response;
    const out: JsonObject = {};
    if (typeof text === 'string' && text !== '') out.content = text;
    if (typeof message.thinking === 'string' && message.thinking !== '') {
      out.reasoning_content = message.thinking;
    }
    const calls = toOpenAIToolCalls(message.tool_calls, toolCalls);
    if (calls.length > 0) {
      out.tool_calls = calls;
      toolCalls += calls.length;
    }
    if (Object.keys(out).length === 0) return undefined;
    if (!roleSent) {
      roleSent = true;
      return { role: 'assistant', ...out };
    }
    return out;
  };

  const decodeLine = (payload: OllamaPayload): StreamChunk[] => {
    const out: StreamChunk[] = [];
    if (kind === 'completion') {
      if (typeof payload.response === 'string' && payload.response !== '') {
        out.push(chunk(payload, { text: payload.response, logprobs: null, finish_reason: null }));
      }
    } else {
      const piece = delta(payload);
      if (piece !== undefined) out.push(chunk(payload, { delta: piece, finish_reason: null }));
    }
    if (payload.done === true) {
      decoder.done = true;
      const reason = toolCalls > 0 ? 'tool_calls' : finishReason(payload);
      const last =
        kind === 'completion'
          ? { text: '', logprobs: null, finish_reason: reason }
          : { delta: {}, finish_reason: reason };
      out.push(chunk(payload, last, { usage: usageOf(payload) }));
    }
    return out;
  };

  // A plain field, not a getter (see openai/stream-decoder.ts).
  const decoder = {
    done: false,
    decode(event: SseEvent): readonly StreamChunk[] {
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data) as unknown;
      } catch {
        parsed = undefined;
      }
      const payload = asObject(parsed);
      if (payload === undefined) {
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: ${OLLAMA_LABEL} - unparsable stream line: ${redact(event.data.slice(0, 200), deployment.apiKey)}`,
          { deploymentId: deployment.id },
        );
      }
      if (typeof payload.error === 'string') {
        const status = statusOfOllamaError(payload.error);
        throw mapOllamaError({ status, headers: {}, bodyText: event.data, deployment }, now());
      }
      return decodeLine(payload);
    },
  };
  return decoder;
}
