/**
 * Decodes a Gemini `streamGenerateContent?alt=sse` stream. Every event is a whole
 * GenerateContentResponse holding the next piece of each candidate: text arrives as deltas,
 * a function call arrives whole, `finishReason` on a candidate's last piece, and
 * `usageMetadata` (cumulative) on the last event. Gemini sends no terminator: the stream ends
 * with the body, when flush() emits the usage chunk.
 */
import type { JsonObject, StreamChunk, Usage } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject, parseJson, redact } from '../openai/error-mapping.ts';
import type { SseEvent, StreamDecoder } from '../provider.ts';
import { mapGoogleError } from './error-mapping.ts';
import {
  candidateParts,
  finishReasonOf,
  modelOf,
  responseId,
  throwIfPromptBlocked,
  usageOf,
  type DecodeContext,
} from './response-decoding.ts';

/** Per-candidate progress: whether the role was sent, how many tool calls so far. */
interface CandidateState {
  roleSent: boolean;
  toolCalls: number;
}

/** A decoder for one Gemini stream. An error event, or a blocked prompt, throws a GatewayError. */
export function createGeminiStreamDecoder(context: DecodeContext): StreamDecoder {
  const { deployment, label } = context;
  const created = Math.floor(context.now() / 1000);
  const candidates = new Map<number, CandidateState>();
  let id: string | undefined;
  let model = deployment.upstreamModel;
  let usage: Usage | undefined;

  const chunk = (choices: JsonObject[], extra: JsonObject = {}): StreamChunk => ({
    id: id ?? '',
    object: 'chat.completion.chunk',
    created,
    model,
    choices,
    ...extra,
  });

  function decodeCandidate(raw: unknown, position: number): JsonObject | undefined {
    const candidate = asObject(raw) ?? {};
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    let state = candidates.get(index);
    if (state === undefined) {
      state = { roleSent: false, toolCalls: 0 };
      candidates.set(index, state);
    }
    const { text, reasoning, toolCalls } = candidateParts(candidate);
    const delta: JsonObject = {};
    if (!state.roleSent) delta.role = 'assistant';
    if (text !== undefined) delta.content = text;
    if (reasoning !== undefined) delta.reasoning_content = reasoning;
    if (toolCalls.length > 0) {
      delta.tool_calls = toolCalls.map((call) => ({ index: state.toolCalls++, ...call }));
    }
    const finish = finishReasonOf(candidate.finishReason, state.toolCalls > 0);
    if (
      finish === null &&
      text === undefined &&
      reasoning === undefined &&
      toolCalls.length === 0
    ) {
      return undefined;
    }
    state.roleSent = true;
    return { index, delta, finish_reason: finish };
  }

  return {
    done: false,
    decode(event: SseEvent): readonly StreamChunk[] {
      const data = event.data.trim();
      if (data === '') return [];
      const payload = asObject(parseJson(data));
      if (payload === undefined) {
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: ${label} - unparsable stream event: ${redact(data.slice(0, 200), deployment.apiKey)}`,
          { deploymentId: deployment.id },
        );
      }
      if (payload.error !== undefined) {
        throw mapGoogleError(
          { status: 200, headers: {}, bodyText: data, deployment },
          label,
          context.now(),
        );
      }
      throwIfPromptBlocked(payload, context);
      id ??= responseId(payload);
      model = modelOf(payload, deployment);
      usage = usageOf(payload.usageMetadata) ?? usage;
      const raw = Array.isArray(payload.candidates) ? (payload.candidates as unknown[]) : [];
      const choices = raw
        .map((candidate, position) => decodeCandidate(candidate, position))
        .filter((choice): choice is JsonObject => choice !== undefined);
      return choices.length === 0 ? [] : [chunk(choices)];
    },
    flush(): readonly StreamChunk[] {
      return usage === undefined ? [] : [chunk([], { usage })];
    },
  };
}
