/**
 * An Anthropic Messages answer → OpenAI's chat completion (or text completion) format, as
 * LiteLLM translates it: text blocks joined into `content`, `tool_use` blocks as `tool_calls`,
 * thinking as `reasoning_content`, `stop_reason` as `finish_reason`, cache tokens counted into
 * `prompt_tokens`.
 */
import type { JsonObject, Operation, Usage } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';

/** Anthropic `stop_reason` → OpenAI `finish_reason`; anything unknown is a plain stop. */
const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** The OpenAI finish reason for an Anthropic stop reason (null while the answer runs). */
export function finishReasonOf(stopReason: unknown): string | null {
  if (typeof stopReason !== 'string') return null;
  return FINISH_REASONS[stopReason] ?? 'stop';
}

/**
 * OpenAI usage from Anthropic's. Anthropic counts cached input apart from `input_tokens`;
 * LiteLLM adds `cache_read_input_tokens` and `cache_creation_input_tokens` into `prompt_tokens`
 * so that totals (and tpm accounting) see every input token, and we do the same. The cache
 * counts are kept as LiteLLM reports them when the upstream sent them.
 */
export function usageOf(usage: Readonly<Record<string, unknown>>): Usage {
  const count = (key: string): number => {
    const value = usage[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
  };
  const cacheRead = count('cache_read_input_tokens');
  const cacheCreation = count('cache_creation_input_tokens');
  const prompt = count('input_tokens') + cacheRead + cacheCreation;
  const completion = count('output_tokens');
  const out: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (
    typeof usage.cache_read_input_tokens === 'number' ||
    typeof usage.cache_creation_input_tokens === 'number'
  ) {
    out.prompt_tokens_details = { cached_tokens: cacheRead };
    out.cache_read_input_tokens = cacheRead;
    out.cache_creation_input_tokens = cacheCreation;
  }
  return out;
}

/** The parts of an Anthropic answer's content that OpenAI's message carries. */
interface DecodedContent {
  readonly text: string;
  readonly reasoning: string;
  readonly toolCalls: JsonObject[];
}

function decodeContent(content: unknown): DecodedContent {
  let text = '';
  let reasoning = '';
  const toolCalls: JsonObject[] = [];
  for (const value of Array.isArray(content) ? content : []) {
    const block = asObject(value);
    if (block?.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block?.type === 'thinking' && typeof block.thinking === 'string') {
      reasoning += block.thinking;
    } else if (block?.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return { text, reasoning, toolCalls };
}

/**
 * The OpenAI body for Anthropic `message`: a `chat.completion`, or a `text_completion` when the
 * client called `/v1/completions`. `created` is in seconds.
 */
export function toOpenAIResponse(
  message: Readonly<Record<string, unknown>>,
  operation: Operation,
  created: number,
): JsonObject {
  const { text, reasoning, toolCalls } = decodeContent(message.content);
  const finishReason = finishReasonOf(message.stop_reason) ?? 'stop';
  const usage = usageOf(asObject(message.usage) ?? {});
  const head = { id: message.id, created, model: message.model };
  if (operation === 'completion') {
    const choice = { index: 0, text, logprobs: null, finish_reason: finishReason };
    return { ...head, object: 'text_completion', choices: [choice], usage };
  }
  const reply: JsonObject = {
    role: 'assistant',
    // OpenAI's habit: no text beside tool calls is null, not "".
    content: text === '' && toolCalls.length > 0 ? null : text,
  };
  if (toolCalls.length > 0) reply.tool_calls = toolCalls;
  if (reasoning !== '') reply.reasoning_content = reasoning;
  const choice = { index: 0, message: reply, finish_reason: finishReason };
  return { ...head, object: 'chat.completion', choices: [choice], usage };
}
