/**
 * Ollama's native answers → OpenAI's format: `/api/generate` (`response`), `/api/chat`
 * (`message`) and `/api/embed` (`embeddings`). Token counts come from `prompt_eval_count` and
 * `eval_count` (0 when Ollama leaves them out, as it does for a fully cached prompt).
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject, ResponseBody, Usage } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';

/** One Ollama answer object (a whole answer, or one NDJSON stream line). */
export type OllamaPayload = Readonly<Record<string, unknown>>;

/** `done_reason` → OpenAI `finish_reason`: `length` stays, anything else is a normal stop. */
export function finishReason(payload: OllamaPayload): string {
  return payload.done_reason === 'length' ? 'length' : 'stop';
}

/** OpenAI usage from Ollama's counters. */
export function usageOf(payload: OllamaPayload): Usage {
  const prompt = count(payload.prompt_eval_count);
  const completion = count(payload.eval_count);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Seconds since the epoch of Ollama's `created_at`, else of `nowMs`. */
export function createdOf(payload: OllamaPayload, nowMs: number): number {
  const parsed =
    typeof payload.created_at === 'string' ? Date.parse(payload.created_at) : Number.NaN;
  return Math.floor((Number.isNaN(parsed) ? nowMs : parsed) / 1000);
}

/** A fresh OpenAI-style id with `prefix` (`chatcmpl-`, `cmpl-`, `call_`). */
export function newId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '')}`;
}

/**
 * Ollama tool calls (arguments as an object, no id) → OpenAI tool calls (arguments as a JSON
 * string, a generated id). `index` is added for stream deltas.
 */
export function toOpenAIToolCalls(calls: unknown, firstIndex?: number): JsonObject[] {
  if (!Array.isArray(calls)) return [];
  return calls.map((raw, offset) => {
    const fn = asObject(asObject(raw)?.function) ?? {};
    const args = fn.arguments;
    const call: JsonObject = {
      id: newId('call_'),
      type: 'function',
      function: {
        name: typeof fn.name === 'string' ? fn.name : '',
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
      },
    };
    return firstIndex === undefined ? call : { index: firstIndex + offset, ...call };
  });
}

/**
 * An `/api/generate` answer to a request that carried tools is read as a tool call when its text
 * is exactly one JSON object `{"name": "<string>", "arguments": {…}}`, the format the tool prompt
 * asks for (LiteLLM reads JSON answers the same way). Any other text stays text.
 */
export function toolCallInText(text: string): JsonObject | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = asObject(JSON.parse(trimmed));
  } catch {
    return undefined;
  }
  if (parsed === undefined || Object.keys(parsed).length !== 2) return undefined;
  if (typeof parsed.name !== 'string' || asObject(parsed.arguments) === undefined) return undefined;
  return toOpenAIToolCalls([{ function: parsed }])[0];
}

/** An OpenAI assistant message; its content is null when it only calls tools. */
function assistantMessage(text: string, toolCalls: JsonObject[], thinking: unknown): JsonObject {
  const message: JsonObject = {
    role: 'assistant',
    content: toolCalls.length > 0 && text === '' ? null : text,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (typeof thinking === 'string' && thinking !== '') message.reasoning_content = thinking;
  return message;
}

function chatCompletion(
  payload: OllamaPayload,
  message: JsonObject,
  nowMs: number,
  model: string,
): ResponseBody {
  const calls = message.tool_calls;
  return {
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: createdOf(payload, nowMs),
    model: typeof payload.model === 'string' ? payload.model : model,
    choices: [
      {
        index: 0,
        message,
        finish_reason:
          Array.isArray(calls) && calls.length > 0 ? 'tool_calls' : finishReason(payload),
      },
    ],
    usage: usageOf(payload),
  };
}

/** An `/api/chat` answer as a chat completion. */
export function decodeChat(payload: OllamaPayload, nowMs: number, model: string): ResponseBody {
  const message = asObject(payload.message) ?? {};
  const text = typeof message.content === 'string' ? message.content : '';
  const calls = toOpenAIToolCalls(message.tool_calls);
  return chatCompletion(payload, assistantMessage(text, calls, message.thinking), nowMs, model);
}

/** An `/api/generate` answer to a chat request as a chat completion. */
export function decodeGenerateChat(
  payload: OllamaPayload,
  nowMs: number,
  model: string,
): ResponseBody {
  const text = typeof payload.response === 'string' ? payload.response : '';
  const call = toolCallInText(text);
  const message =
    call === undefined
      ? assistantMessage(text, [], payload.thinking)
      : assistantMessage('', [call], payload.thinking);
  return chatCompletion(payload, message, nowMs, model);
}

/** An `/api/generate` answer to a legacy `/completions` request. */
export function decodeCompletion(
  payload: OllamaPayload,
  nowMs: number,
  model: string,
): ResponseBody {
  return {
    id: newId('cmpl-'),
    object: 'text_completion',
    created: createdOf(payload, nowMs),
    model: typeof payload.model === 'string' ? payload.model : model,
    choices: [
      {
        index: 0,
        text: typeof payload.response === 'string' ? payload.response : '',
        logprobs: null,
        finish_reason: finishReason(payload),
      },
    ],
    usage: usageOf(payload),
  };
}

/** An `/api/embed` answer as an OpenAI embedding list; usage from `prompt_eval_count`. */
export function decodeEmbedding(payload: OllamaPayload, model: string): ResponseBody {
  const embeddings: readonly unknown[] = Array.isArray(payload.embeddings)
    ? payload.embeddings
    : [];
  const prompt = count(payload.prompt_eval_count);
  return {
    object: 'list',
    data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: typeof payload.model === 'string' ? payload.model : model,
    usage: { prompt_tokens: prompt, total_tokens: prompt },
  };
}
