/**
 * A Gemini GenerateContentResponse → an OpenAI chat completion
 * (https://ai.google.dev/api/generate-content#generatecontentresponse). Shared by the whole
 * answer and by stream events, which carry the same shape with partial candidates.
 */
import { randomUUID } from 'node:crypto';
import type { Deployment } from '../../core/deployment.ts';
import type { JsonObject, Usage } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject } from '../openai/error-mapping.ts';

/** What decoding needs besides the payload. */
export interface DecodeContext {
  readonly deployment: Deployment;
  /** LiteLLM's exception label, e.g. `GeminiException`. */
  readonly label: string;
  /** Wall-clock ms, for `created`. */
  readonly now: () => number;
}

/** Gemini finish reasons that mean the provider's filter cut the answer. */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
]);

/**
 * OpenAI's finish reason for a Gemini one; `null` while a stream candidate is unfinished. A
 * candidate that called a function finishes with `tool_calls`, whatever Gemini said (it says
 * STOP).
 */
export function finishReasonOf(reason: unknown, calledTool: boolean): string | null {
  if (reason === undefined || reason === null || reason === 'FINISH_REASON_UNSPECIFIED') {
    return calledTool ? 'tool_calls' : null;
  }
  if (calledTool) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (typeof reason === 'string' && FILTERED.has(reason)) return 'content_filter';
  return 'stop';
}

/** The pieces of one candidate's content, in OpenAI terms. */
export interface CandidateParts {
  /** Answer text, or undefined when the candidate has none. */
  readonly text: string | undefined;
  /** Thought summaries (Gemini 2.5 `thought: true` parts), LiteLLM's `reasoning_content`. */
  readonly reasoning: string | undefined;
  /** OpenAI tool calls, `arguments` as JSON text. */
  readonly toolCalls: JsonObject[];
}

/** Reads a candidate's parts. Function calls get Gemini's id when it sends one, else a new one. */
export function candidateParts(candidate: Record<string, unknown>): CandidateParts {
  const parts = asObject(candidate.content)?.parts;
  let text: string | undefined;
  let reasoning: string | undefined;
  const toolCalls: JsonObject[] = [];
  for (const raw of Array.isArray(parts) ? (parts as unknown[]) : []) {
    const part = asObject(raw);
    if (part === undefined) continue;
    if (typeof part.text === 'string') {
      if (part.thought === true) reasoning = (reasoning ?? '') + part.text;
      else text = (text ?? '') + part.text;
    }
    const call = asObject(part.functionCall);
    if (call !== undefined && typeof call.name === 'string') {
      toolCalls.push({
        id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${randomUUID()}`,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
      });
    }
  }
  return { text, reasoning, toolCalls };
}

/** `usageMetadata` → OpenAI usage; thinking tokens count as completion tokens, as LiteLLM does. */
export function usageOf(metadata: unknown): Usage | undefined {
  const usage = asObject(metadata);
  if (usage === undefined) return undefined;
  const prompt = numberOr0(usage.promptTokenCount);
  const thoughts = numberOr0(usage.thoughtsTokenCount);
  const completion = numberOr0(usage.candidatesTokenCount) + thoughts;
  const out: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens:
      typeof usage.totalTokenCount === 'number' ? usage.totalTokenCount : prompt + completion,
  };
  if (thoughts > 0) out.completion_tokens_details = { reasoning_tokens: thoughts };
  const cached = numberOr0(usage.cachedContentTokenCount);
  if (cached > 0) out.prompt_tokens_details = { cached_tokens: cached };
  return out;
}

/**
 * Throws the content-policy error for a prompt Gemini refused outright: no candidates, and
 * `promptFeedback.blockReason` set. A ContentPolicyViolationError lets `content_policy_fallbacks`
 * answer instead.
 */
export function throwIfPromptBlocked(
  payload: Record<string, unknown>,
  context: DecodeContext,
): void {
  const candidates = payload.candidates;
  if (Array.isArray(candidates) && candidates.length > 0) return;
  const reason = asObject(payload.promptFeedback)?.blockReason;
  if (typeof reason !== 'string') return;
  throw new GatewayError(
    'ContentPolicyViolationError',
    `litellm.ContentPolicyViolationError: ${context.label} - the prompt was blocked (blockReason ${reason})`,
    { deploymentId: context.deployment.id, upstreamStatus: 200 },
  );
}

/** A whole GenerateContentResponse as an OpenAI chat completion. */
export function decodeGenerateContent(
  payload: Record<string, unknown>,
  context: DecodeContext,
): JsonObject {
  throwIfPromptBlocked(payload, context);
  const candidates = Array.isArray(payload.candidates) ? (payload.candidates as unknown[]) : [];
  if (candidates.length === 0) {
    throw new GatewayError(
      'BadGatewayError',
      `litellm.BadGatewayError: ${context.label} - the answer has no candidates`,
      { deploymentId: context.deployment.id, upstreamStatus: 200 },
    );
  }
  const choices = candidates.map((raw, position) => {
    const candidate = asObject(raw) ?? {};
    const { text, reasoning, toolCalls } = candidateParts(candidate);
    const message: JsonObject = { role: 'assistant', content: text ?? null };
    if (reasoning !== undefined) message.reasoning_content = reasoning;
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    const finish = finishReasonOf(candidate.finishReason, toolCalls.length > 0) ?? 'stop';
    return { index, message, finish_reason: finish };
  });
  return {
    id: responseId(payload),
    object: 'chat.completion',
    created: Math.floor(context.now() / 1000),
    model: modelOf(payload, context.deployment),
    choices,
    usage: usageOf(payload.usageMetadata) ?? {
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    },
  };
}

/** Gemini's `responseId` when present (the same on every event of a stream), else a new id. */
export function responseId(payload: Record<string, unknown>): string {
  return typeof payload.responseId === 'string' && payload.responseId !== ''
    ? `chatcmpl-${payload.responseId}`
    : `chatcmpl-${randomUUID()}`;
}

/** The model that answered: Gemini's `modelVersion`, else the deployment's upstream model. */
export function modelOf(payload: Record<string, unknown>, deployment: Deployment): string {
  return typeof payload.modelVersion === 'string' ? payload.modelVersion : deployment.upstreamModel;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
