/**
 * OpenAI request bodies → Ollama's native bodies
 * (https://github.com/ollama/ollama/blob/main/docs/api.md). Bodies are built from an allow-list,
 * so gateway-only and unknown fields never reach Ollama.
 */
import type { GatewayRequestBody, JsonObject } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';
import { ollamaBadRequest, splitContent } from './ollama-content.ts';
import { parseArguments, toGeneratePrompt, toolPrompt } from './ollama-prompt.ts';

/**
 * Sampling options → Ollama `options`. `max_tokens` (or `max_completion_tokens`) becomes
 * `num_predict`; a single `stop` string becomes a one-element list (Ollama wants a list).
 */
export function toOptions(body: GatewayRequestBody): JsonObject {
  const options: JsonObject = {};
  for (const name of ['temperature', 'top_p', 'seed', 'frequency_penalty', 'presence_penalty']) {
    if (typeof body[name] === 'number') options[name] = body[name];
  }
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (typeof maxTokens === 'number') options.num_predict = maxTokens;
  if (typeof body.stop === 'string') options.stop = [body.stop];
  else if (Array.isArray(body.stop)) options.stop = body.stop;
  return options;
}

/** `response_format` → Ollama `format`: `json_object` → "json", `json_schema` → the schema. */
export function toFormat(body: GatewayRequestBody): unknown {
  const format = asObject(body.response_format);
  if (format?.type === 'json_object') return 'json';
  if (format?.type === 'json_schema') return asObject(format.json_schema)?.schema;
  return undefined;
}

/** The fields every Ollama generation body has: model, stream flag, options, format. */
function base(body: GatewayRequestBody, model: string): JsonObject {
  // Ollama streams unless told otherwise, so `stream` is always explicit.
  const out: JsonObject = { model, stream: body.stream === true };
  const options = toOptions(body);
  if (Object.keys(options).length > 0) out.options = options;
  const format = toFormat(body);
  if (format !== undefined) out.format = format;
  return out;
}

function messagesOf(body: GatewayRequestBody, deploymentId: string): unknown[] {
  if (!Array.isArray(body.messages))
    throw ollamaBadRequest('messages must be a list', deploymentId);
  return body.messages;
}

/**
 * A chat request for `/api/generate` (`ollama/`): the conversation as one prompt, system
 * messages in `system`. With `tools`, JSON output is requested and the tools are described in
 * the system prompt (Ollama's generate endpoint has no tools of its own).
 */
export function toGenerateBody(
  body: GatewayRequestBody,
  model: string,
  deploymentId: string,
): JsonObject {
  const { prompt, system, images } = toGeneratePrompt(messagesOf(body, deploymentId), deploymentId);
  const out: JsonObject = { ...base(body, model), prompt };
  const tools = Array.isArray(body.tools) && body.tools.length > 0 ? body.tools : undefined;
  const systemText =
    tools === undefined ? system : [system, toolPrompt(tools)].filter(Boolean).join('\n\n');
  if (systemText !== undefined) out.system = systemText;
  if (tools !== undefined) out.format = 'json';
  if (images.length > 0) out.images = images;
  return out;
}

/** A legacy `/completions` request for `/api/generate`: the prompt as given, untemplated. */
export function toCompletionBody(
  body: GatewayRequestBody,
  model: string,
  deploymentId: string,
): JsonObject {
  let prompt = body.prompt;
  if (Array.isArray(prompt) && prompt.length === 1) prompt = prompt[0];
  if (typeof prompt !== 'string') {
    throw ollamaBadRequest('prompt must be one string for Ollama', deploymentId);
  }
  return { ...base(body, model), prompt };
}

/**
 * A chat request for `/api/chat` (`ollama_chat/`): messages as they are, with text content,
 * images per message and assistant tool calls whose arguments are objects; OpenAI `tools` are
 * passed on (Ollama takes the same shape). `tool_choice` is dropped: Ollama has none, and
 * LiteLLM drops it too.
 */
export function toChatBody(
  body: GatewayRequestBody,
  model: string,
  deploymentId: string,
): JsonObject {
  const messages = messagesOf(body, deploymentId).map((raw) => {
    const message = asObject(raw) ?? {};
    const { text, images } = splitContent(message.content, deploymentId);
    const out: JsonObject = { role: message.role, content: text };
    if (images.length > 0) out.images = images;
    if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      out.tool_calls = message.tool_calls.map((call) => {
        const fn = asObject(asObject(call)?.function) ?? {};
        return { function: { name: fn.name, arguments: parseArguments(fn.arguments) } };
      });
    }
    return out;
  });
  const out: JsonObject = { ...base(body, model), messages };
  if (Array.isArray(body.tools) && body.tools.length > 0) out.tools = body.tools;
  return out;
}

/** An embeddings request for `/api/embed`: `input` is a string or a list of strings. */
export function toEmbedBody(
  body: GatewayRequestBody,
  model: string,
  deploymentId: string,
): JsonObject {
  const input = body.input;
  const valid =
    typeof input === 'string' ||
    (Array.isArray(input) && input.every((item) => typeof item === 'string'));
  if (!valid) throw ollamaBadRequest('input must be a string or a list of strings', deploymentId);
  const out: JsonObject = { model, input };
  if (typeof body.dimensions === 'number') out.dimensions = body.dimensions;
  return out;
}
