/**
 * ConverseStream events → OpenAI chat chunks
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html).
 * The order is messageStart, then per content block contentBlockStart (tool use only) /
 * contentBlockDelta… / contentBlockStop, then messageStop (the stop reason) and metadata (usage),
 * which ends the stream. Tool-use blocks become OpenAI tool calls numbered from 0 in the order
 * they start, whatever their content block index.
 */
import type { Deployment } from '../../core/deployment.ts';
import type { ChatCompletionChunk, JsonObject, StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject, parseJson } from '../openai/error-mapping.ts';
import type { SseEvent, StreamDecoder } from '../provider.ts';
import { EVENT_STREAM_ERROR } from '../transport/aws-event-stream.ts';
import { finishReasonOf, usageOf, type CompletionStamp } from './converse-response.ts';
import { mapBedrockStreamException } from './error-mapping.ts';

/** Creates the decoder of one ConverseStream; `stamp` fixes the chunks' id, time and model. */
export function createConverseStreamDecoder(
  deployment: Deployment,
  stamp: CompletionStamp,
): StreamDecoder {
  /** Content block index → OpenAI tool call index. */
  const toolCalls = new Map<number, number>();

  const chunk = (delta: JsonObject, finishReason: string | null = null): ChatCompletionChunk => ({
    id: stamp.id,
    object: 'chat.completion.chunk',
    created: stamp.created,
    model: stamp.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });

  const handlers: Readonly<Record<string, (payload: JsonObject) => StreamChunk[]>> = {
    messageStart: () => [chunk({ role: 'assistant', content: '' })],
    contentBlockStart(payload) {
      const toolUse = asObject(asObject(payload.start)?.toolUse);
      if (toolUse === undefined) return [];
      const index = toolCalls.size;
      toolCalls.set(blockIndex(payload), index);
      const call = {
        index,
        id: toolUse.toolUseId,
        type: 'function',
        function: { name: toolUse.name, arguments: '' },
      };
      return [chunk({ tool_calls: [call] })];
    },
    contentBlockDelta(payload) {
      const delta = asObject(payload.delta) ?? {};
      if (typeof delta.text === 'string') return [chunk({ content: delta.text })];
      const input = asObject(delta.toolUse)?.input;
      if (typeof input === 'string') {
        const index = toolCalls.get(blockIndex(payload)) ?? 0;
        return [chunk({ tool_calls: [{ index, function: { arguments: input } }] })];
      }
      const reasoning = asObject(delta.reasoningContent)?.text;
      if (typeof reasoning === 'string') return [chunk({ reasoning_content: reasoning })];
      return [];
    },
    messageStop: (payload) => [chunk({}, finishReasonOf(payload.stopReason))],
    metadata(payload) {
      decoder.done = true;
      const usage = usageOf(payload.usage);
      if (usage === undefined) return [];
      return [{ ...chunk({}), choices: [], usage }];
    },
  };

  // A plain field, not a getter (see openai/stream-decoder.ts).
  const decoder = {
    done: false,
    decode(event: SseEvent): readonly StreamChunk[] {
      const type = event.event ?? '';
      if (type === EVENT_STREAM_ERROR || type.endsWith('Exception')) {
        throw mapBedrockStreamException(type, event.data, deployment);
      }
      const handler = Object.hasOwn(handlers, type) ? handlers[type] : undefined;
      // Events this decoder does not know (new Converse features) carry nothing it can show.
      if (handler === undefined) return [];
      const payload = asObject(parseJson(event.data));
      if (payload === undefined) {
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: BedrockException - unparsable ${type} event`,
          { deploymentId: deployment.id },
        );
      }
      return handler(payload);
    },
  };
  return decoder;
}

function blockIndex(payload: JsonObject): number {
  return typeof payload.contentBlockIndex === 'number' ? payload.contentBlockIndex : 0;
}
