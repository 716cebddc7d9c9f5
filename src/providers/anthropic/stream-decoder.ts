/**
 * Anthropic's Messages stream → OpenAI chunks
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming). Anthropic names each SSE
 * event (`message_start`, `content_block_start`, `content_block_delta`, `content_block_stop`,
 * `message_delta`, `message_stop`, `ping`, `error`) and sends usage in two halves: input at
 * `message_start`, cumulative output at `message_delta`. The decoder keeps both and emits them
 * on the chunk that carries the finish reason, so every stream reports its usage.
 *
 * `message_start` yields no chunk of its own: the assistant role rides on the first chunk with
 * content. The first chunk is the router's commit point, so an `error` event (say, overloaded)
 * that follows `message_start` before any text still fails over instead of breaking a stream
 * the client has begun to read, and `stream_timeout` measures the time to the first token.
 */
import type { Deployment } from '../../core/deployment.ts';
import type { JsonObject, Operation, StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject, redact } from '../openai/error-mapping.ts';
import type { SseEvent, StreamDecoder } from '../provider.ts';
import { ANTHROPIC_ERROR_LABEL, mapEmbeddedAnthropicError } from './error-mapping.ts';
import { finishReasonOf, usageOf } from './response.ts';

/** Options of createAnthropicStreamDecoder(). */
export interface AnthropicStreamDecoderOptions {
  readonly operation: Operation;
  readonly deployment: Deployment;
  /** Wall-clock ms: `created` of every chunk, and Retry-After dates. */
  readonly now: () => number;
}

/** Decodes one Anthropic stream; create one per stream. */
export function createAnthropicStreamDecoder(
  options: AnthropicStreamDecoderOptions,
): StreamDecoder {
  const { operation, deployment, now } = options;
  const created = Math.floor(now() / 1000);
  let id = '';
  let model = deployment.upstreamModel;
  let roleSent = false;
  /** Usage so far, in Anthropic's field names; message_delta's counts replace message_start's. */
  const usage: Record<string, unknown> = {};
  /** Content-block index → OpenAI tool-call index (tool calls are numbered 0, 1, … apart from text). */
  const toolIndex = new Map<number, number>();

  const chunk = (choice: JsonObject, extra: JsonObject = {}): StreamChunk => {
    const object = operation === 'completion' ? 'text_completion' : 'chat.completion.chunk';
    return { id, object, created, model, choices: [{ index: 0, ...choice }], ...extra };
  };
  /** A chunk with `delta` (chat), or its text (a text completion, which has no roles or tools). */
  const delta = (content: JsonObject): StreamChunk[] => {
    if (operation !== 'completion')
      return [chunk({ delta: withRole(content), finish_reason: null })];
    const text = content.content;
    return typeof text === 'string' && text !== ''
      ? [chunk({ text, logprobs: null, finish_reason: null })]
      : [];
  };

  /** `content` with `role: 'assistant'` when it is the stream's first chat delta. */
  function withRole(content: JsonObject): JsonObject {
    if (roleSent) return content;
    roleSent = true;
    return { role: 'assistant', ...content };
  }

  function onMessageStart(message: Record<string, unknown>): StreamChunk[] {
    if (typeof message.id === 'string') id = message.id;
    if (typeof message.model === 'string') model = message.model;
    Object.assign(usage, asObject(message.usage));
    return [];
  }

  function onBlockStart(index: number, block: Record<string, unknown>): StreamChunk[] {
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return delta({ content: block.text });
    }
    if (block.type !== 'tool_use' || operation === 'completion') return [];
    const position = toolIndex.size;
    toolIndex.set(index, position);
    const call = { index: position, id: block.id, type: 'function' };
    return delta({ tool_calls: [{ ...call, function: { name: block.name, arguments: '' } }] });
  }

  function onBlockDelta(index: number, change: Record<string, unknown>): StreamChunk[] {
    switch (change.type) {
      case 'text_delta':
        return typeof change.text === 'string' ? delta({ content: change.text }) : [];
      case 'thinking_delta':
        return typeof change.thinking === 'string' && operation !== 'completion'
          ? delta({ reasoning_content: change.thinking })
          : [];
      case 'input_json_delta': {
        const position = toolIndex.get(index);
        if (position === undefined || typeof change.partial_json !== 'string') return [];
        return delta({
          tool_calls: [{ index: position, function: { arguments: change.partial_json } }],
        });
      }
      default:
        // signature_delta, citations_delta and types added later carry nothing OpenAI shows.
        return [];
    }
  }

  function onMessageDelta(event: Record<string, unknown>): StreamChunk[] {
    for (const [key, value] of Object.entries(asObject(event.usage) ?? {})) {
      if (value !== null && value !== undefined) usage[key] = value;
    }
    const finish = finishReasonOf(asObject(event.delta)?.stop_reason) ?? 'stop';
    const choice: JsonObject =
      operation === 'completion'
        ? { text: '', logprobs: null, finish_reason: finish }
        : { delta: withRole({}), finish_reason: finish };
    return [chunk(choice, { usage: usageOf(usage) })];
  }

  // A plain field, not a getter (see openai/stream-decoder.ts).
  const decoder = {
    done: false,
    decode(event: SseEvent): readonly StreamChunk[] {
      if (event.data.trim() === '') return [];
      const data = parseObject(event.data);
      if (data === undefined) {
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: ${ANTHROPIC_ERROR_LABEL} - unparsable stream event: ${redact(event.data.slice(0, 200), deployment.apiKey)}`,
          { deploymentId: deployment.id },
        );
      }
      const type = typeof data.type === 'string' ? data.type : event.event;
      const index = typeof data.index === 'number' ? data.index : -1;
      switch (type) {
        case 'message_start':
          return onMessageStart(asObject(data.message) ?? {});
        case 'content_block_start':
          return onBlockStart(index, asObject(data.content_block) ?? {});
        case 'content_block_delta':
          return onBlockDelta(index, asObject(data.delta) ?? {});
        case 'message_delta':
          return onMessageDelta(data);
        case 'message_stop':
          decoder.done = true;
          return [];
        case 'error':
          throw mapEmbeddedAnthropicError(data, deployment, now());
        default:
          // ping, content_block_stop, and event types Anthropic may add (its versioning policy).
          return [];
      }
    },
  };
  return decoder;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
