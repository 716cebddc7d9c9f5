/**
 * An OpenAI chat (or text completion) request → an Anthropic Messages request body
 * (https://docs.anthropic.com/en/api/messages), with LiteLLM's parameter mapping. The body is
 * built from an allowlist: Anthropic rejects fields it does not know, and gateway-only fields
 * must never travel.
 */
import type { GatewayRequestBody, JsonObject, Operation } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';
import { toUpstreamBody } from '../openai/request-body.ts';
import { UnsupportedContentError } from './content-blocks.ts';
import { toAnthropicConversation } from './messages.ts';

/**
 * `max_tokens` sent when the client sets neither `max_tokens` nor `max_completion_tokens`:
 * Anthropic requires one. LiteLLM's DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS.
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/** Anthropic's own parameters a client may send through the OpenAI API, passed on as they are. */
const NATIVE_FIELDS = ['top_k', 'thinking'] as const;

/**
 * OpenAI parameters Anthropic has no equivalent for. Dropped without error, as LiteLLM does with
 * `drop_params: true`: failing a request over a sampling hint would fail it for nothing.
 */
export const DROPPED_OPENAI_FIELDS: readonly string[] = Object.freeze([
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'stream_options',
  'service_tier',
  'store',
  'modalities',
  'prediction',
  'reasoning_effort',
  'suffix',
  'echo',
  'best_of',
]);

/** Email addresses and phone numbers: Anthropic rejects them as `metadata.user_id`. */
const PERSONAL_ID = /^[\w.%+-]+@[\w.-]+\.[a-z]{2,}$|^\+?[\d\s()-]{7,}$/i;

/**
 * The Anthropic body for `body`. Throws UnsupportedContentError for what cannot be expressed
 * (several choices, JSON response formats, several prompts).
 */
export function toAnthropicBody(
  body: GatewayRequestBody,
  upstreamModel: string,
  operation: Operation,
): JsonObject {
  const source = toUpstreamBody(body, upstreamModel);
  const n = source.n;
  if (n !== undefined && n !== null && n !== 1) {
    throw new UnsupportedContentError('n other than 1 is not supported');
  }
  const format = asObject(source.response_format);
  if (format !== undefined && format.type !== 'text') {
    throw new UnsupportedContentError(`response_format '${String(format.type)}' is not supported`);
  }
  const { system, messages } = toAnthropicConversation(
    operation === 'completion' ? promptMessages(source.prompt) : source.messages,
  );
  const out: JsonObject = {
    model: upstreamModel,
    messages,
    max_tokens: source.max_tokens ?? source.max_completion_tokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
  };
  if (system.length > 0) out.system = system;
  copy(source, out, ['temperature', 'top_p', ...NATIVE_FIELDS]);
  const stop = stopSequences(source.stop);
  if (stop !== undefined) out.stop_sequences = stop;
  if (typeof source.user === 'string' && source.user !== '' && !PERSONAL_ID.test(source.user)) {
    out.metadata = { user_id: source.user };
  }
  if (Array.isArray(source.tools) && source.tools.length > 0) {
    out.tools = source.tools.map(toAnthropicTool);
  }
  // Anthropic rejects a tool_choice without tools; OpenAI ignores it.
  const choice = toolChoice(source.tool_choice, source.parallel_tool_calls);
  if (choice !== undefined && out.tools !== undefined) out.tool_choice = choice;
  if (source.stream === true) out.stream = true;
  return out;
}

/** A text completion's prompt as one user message (a list of several prompts is refused). */
function promptMessages(prompt: unknown): JsonObject[] {
  const single: unknown = Array.isArray(prompt) && prompt.length === 1 ? prompt[0] : prompt;
  if (typeof single !== 'string') {
    throw new UnsupportedContentError('prompt must be one string');
  }
  return [{ role: 'user', content: single }];
}

function copy(from: JsonObject, to: JsonObject, keys: readonly string[]): void {
  for (const key of keys) if (from[key] !== undefined && from[key] !== null) to[key] = from[key];
}

/** `stop` (a string or a list) → `stop_sequences` (always a list). */
function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return stop === '' ? undefined : [stop];
  if (!Array.isArray(stop)) return undefined;
  const list = stop.filter((item): item is string => typeof item === 'string' && item !== '');
  return list.length > 0 ? list : undefined;
}

/**
 * `{type:'function', function:{name, description, parameters}}` → `{name, description,
 * input_schema}`. A tool already in Anthropic's shape (it has `input_schema`, or a `type` other
 * than `function`, such as a server tool) passes through.
 */
function toAnthropicTool(value: unknown): JsonObject {
  const tool = asObject(value);
  if (tool === undefined) throw new UnsupportedContentError('every tool must be an object');
  if (tool.input_schema !== undefined || (tool.type !== 'function' && tool.type !== undefined)) {
    return tool;
  }
  const fn = asObject(tool.function);
  if (typeof fn?.name !== 'string') throw new UnsupportedContentError('every tool needs a name');
  const out: JsonObject = {
    name: fn.name,
    input_schema: asObject(fn.parameters) ?? { type: 'object', properties: {} },
  };
  if (typeof fn.description === 'string') out.description = fn.description;
  const cache = tool.cache_control ?? fn.cache_control;
  if (cache !== undefined) out.cache_control = cache;
  return out;
}

/**
 * `tool_choice`: auto → auto, required → any, none → none, a named function → that tool.
 * `parallel_tool_calls: false` becomes `disable_parallel_tool_use: true` (Anthropic's inverse).
 */
function toolChoice(choice: unknown, parallel: unknown): JsonObject | undefined {
  let out: JsonObject | undefined;
  if (choice === 'auto' || choice === 'none') out = { type: choice };
  else if (choice === 'required') out = { type: 'any' };
  else {
    const name = asObject(asObject(choice)?.function)?.name;
    if (typeof name === 'string') out = { type: 'tool', name };
  }
  if (typeof parallel === 'boolean' && out?.type !== 'none') {
    out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: !parallel };
  }
  return out;
}
