/**
 * Bedrock Converse answer → OpenAI chat completion. Shared by the whole-answer decoder and the
 * stream decoder: finish reasons and usage read the same in both.
 */
import type { ChatCompletion, ChatMessage, JsonObject, Usage } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject } from '../openai/error-mapping.ts';

/**
 * Converse `stopReason` → OpenAI `finish_reason`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax).
 */
const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** The OpenAI finish reason of a Converse stop reason; unknown ones read as `stop`. */
export function finishReasonOf(stopReason: unknown): string {
  return (typeof stopReason === 'string' ? FINISH_REASONS[stopReason] : undefined) ?? 'stop';
}

/** Converse `usage` → OpenAI usage; undefined when the answer has none. */
export function usageOf(raw: unknown): Usage | undefined {
  const usage = asObject(raw);
  if (usage === undefined) return undefined;
  const prompt = numberOr0(usage.inputTokens);
  const completion = numberOr0(usage.outputTokens);
  const out: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof usage.totalTokens === 'number' ? usage.totalTokens : prompt + completion,
  };
  if (typeof usage.cacheReadInputTokens === 'number') {
    out.prompt_tokens_details = { cached_tokens: usage.cacheReadInputTokens };
  }
  return out;
}

/** What the completion is stamped with: Converse answers carry no id, time or model. */
export interface CompletionStamp {
  readonly id: string;
  /** Seconds since the epoch. */
  readonly created: number;
  readonly model: string;
}

/**
 * The chat completion for a Converse answer: text blocks joined as `content`, `toolUse` blocks
 * as `tool_calls` (arguments as JSON text), reasoning as `reasoning_content` (LiteLLM's field).
 * Throws BadGatewayError when `payload` is not a Converse answer.
 */
export function fromConverseResponse(payload: unknown, stamp: CompletionStamp): ChatCompletion {
  const body = asObject(payload);
  const message = asObject(asObject(body?.output)?.message);
  if (body === undefined || message === undefined || !Array.isArray(message.content)) {
    throw new GatewayError(
      'BadGatewayError',
      'litellm.BadGatewayError: BedrockException - upstream answer has no output.message',
    );
  }
  let text = '';
  let reasoning = '';
  const toolCalls: JsonObject[] = [];
  for (const raw of message.content as unknown[]) {
    const block = asObject(raw) ?? {};
    if (typeof block.text === 'string') text += block.text;
    const reasoningText = asObject(asObject(block.reasoningContent)?.reasoningText)?.text;
    if (typeof reasoningText === 'string') reasoning += reasoningText;
    const toolUse = asObject(block.toolUse);
    if (toolUse !== undefined) {
      toolCalls.push({
        id: toolUse.toolUseId,
        type: 'function',
        function: { name: toolUse.name, arguments: JSON.stringify(toolUse.input ?? {}) },
      });
    }
  }
  const out: ChatMessage = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
  };
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  if (reasoning !== '') out.reasoning_content = reasoning;
  const completion: ChatCompletion = {
    id: stamp.id,
    object: 'chat.completion',
    created: stamp.created,
    model: stamp.model,
    choices: [{ index: 0, message: out, finish_reason: finishReasonOf(body.stopReason) }],
  };
  const usage = usageOf(body.usage);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
