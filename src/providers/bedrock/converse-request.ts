/**
 * OpenAI chat request → Bedrock Converse request
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
 * The body is built field by field from what Converse understands, so gateway-only fields and
 * OpenAI parameters Converse lacks (`n`, `seed`, `logprobs`, …) can never leak upstream.
 */
import type { GatewayRequestBody, JsonObject } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject } from '../openai/error-mapping.ts';

type Block = JsonObject;
interface ConverseMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** Image media types Converse accepts, by the format name it wants. */
const IMAGE_FORMATS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** The Converse body for an OpenAI chat `body` (model and stream travel in the URL). */
export function toConverseRequest(body: GatewayRequestBody): JsonObject {
  const system: Block[] = [];
  const messages: ConverseMessage[] = [];
  // Converse requires strict user/assistant alternation; OpenAI allows runs of one role (and
  // tool results are separate messages), so consecutive turns of one role are merged.
  const push = (role: ConverseMessage['role'], content: Block[]): void => {
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };

  const list = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  list.forEach((raw, index) => {
    const message = asObject(raw) ?? {};
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content, index));
        break;
      case 'user':
        push('user', contentBlocks(message.content, index));
        break;
      case 'assistant':
        push('assistant', [
          ...textBlocks(message.content, index),
          ...toolUseBlocks(message.tool_calls, index),
        ]);
        break;
      case 'tool':
        push('user', [toolResultBlock(message, index)]);
        break;
      default:
        throw badRequest(
          `messages[${index}].role ${JSON.stringify(message.role)} is not supported`,
        );
    }
  });

  const out: JsonObject = { messages };
  if (system.length > 0) out.system = system;
  const inference = inferenceConfig(body);
  if (inference !== undefined) out.inferenceConfig = inference;
  const tools = toolConfig(body);
  if (tools !== undefined) out.toolConfig = tools;
  return out;
}

function inferenceConfig(body: GatewayRequestBody): JsonObject | undefined {
  const config: JsonObject = {};
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (typeof maxTokens === 'number') config.maxTokens = maxTokens;
  if (typeof body.temperature === 'number') config.temperature = body.temperature;
  if (typeof body.top_p === 'number') config.topP = body.top_p;
  const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (Array.isArray(stop) && stop.length > 0) {
    config.stopSequences = stop.filter((item): item is string => typeof item === 'string');
  }
  return Object.keys(config).length === 0 ? undefined : config;
}

function toolConfig(body: GatewayRequestBody): JsonObject | undefined {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return undefined;
  const tools = (body.tools as unknown[]).map((raw, index) => {
    const fn = asObject(asObject(raw)?.function);
    if (typeof fn?.name !== 'string') throw badRequest(`tools[${index}].function.name is missing`);
    const spec: JsonObject = {
      name: fn.name,
      inputSchema: { json: asObject(fn.parameters) ?? { type: 'object', properties: {} } },
    };
    if (typeof fn.description === 'string' && fn.description !== '') {
      spec.description = fn.description;
    }
    return { toolSpec: spec };
  });
  const config: JsonObject = { tools };
  const choice = toolChoice(body.tool_choice);
  if (choice !== undefined) config.toolChoice = choice;
  return config;
}

/**
 * `tool_choice` → `toolChoice`. Converse has no "none": the tools stay declared (Converse
 * rejects a conversation holding tool blocks without them) and the model chooses, as `auto`.
 */
function toolChoice(choice: unknown): JsonObject | undefined {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  const name = asObject(asObject(choice)?.function)?.name;
  if (typeof name === 'string') return { tool: { name } };
  return undefined;
}

/** A user message's content: text parts and inline (data URL) images. */
function contentBlocks(content: unknown, index: number): Block[] {
  if (!Array.isArray(content)) return textBlocks(content, index);
  return content.flatMap((raw, part): Block[] => {
    const item = asObject(raw) ?? {};
    if (item.type === 'text') return nonEmptyText(item.text);
    if (item.type === 'image_url')
      return [imageBlock(item.image_url, `messages[${index}].content[${part}]`)];
    throw badRequest(
      `messages[${index}].content[${part}].type ${JSON.stringify(item.type)} is not supported by Bedrock Converse (text and image_url only)`,
    );
  });
}

/** Text-only content (system, assistant, tool): a string, or text parts. */
function textBlocks(content: unknown, index: number): Block[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return nonEmptyText(content);
  if (Array.isArray(content)) {
    return content.flatMap((raw, part): Block[] => {
      const item = asObject(raw) ?? {};
      if (item.type === 'text') return nonEmptyText(item.text);
      throw badRequest(`messages[${index}].content[${part}] must be a text part here`);
    });
  }
  throw badRequest(`messages[${index}].content must be a string or a list of parts`);
}

/** Converse rejects blank text blocks, which OpenAI clients send freely (`content: ""`). */
function nonEmptyText(text: unknown): Block[] {
  return typeof text === 'string' && text.trim() !== '' ? [{ text }] : [];
}

function imageBlock(imageUrl: unknown, at: string): Block {
  const url = typeof imageUrl === 'string' ? imageUrl : asObject(imageUrl)?.url;
  const match = typeof url === 'string' ? /^data:([^;,]+);base64,(.*)$/s.exec(url) : null;
  const format = match === null ? undefined : IMAGE_FORMATS[match[1]!.toLowerCase()];
  if (match === null || format === undefined) {
    throw badRequest(
      `${at}: Bedrock takes images inline only, as a data: URL of PNG, JPEG, GIF or WebP`,
    );
  }
  return { image: { format, source: { bytes: match[2] } } };
}

function toolUseBlocks(toolCalls: unknown, index: number): Block[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.map((raw, position) => {
    const call = asObject(raw) ?? {};
    const fn = asObject(call.function) ?? {};
    const at = `messages[${index}].tool_calls[${position}]`;
    if (typeof call.id !== 'string' || typeof fn.name !== 'string') {
      throw badRequest(`${at} needs an id and a function name`);
    }
    return {
      toolUse: { toolUseId: call.id, name: fn.name, input: parseArguments(fn.arguments, at) },
    };
  });
}

/** OpenAI sends arguments as JSON text; Converse wants the object. */
function parseArguments(text: unknown, at: string): unknown {
  if (text === undefined || text === '') return {};
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(`${at}.function.arguments is not valid JSON`);
  }
}

function toolResultBlock(message: JsonObject, index: number): Block {
  if (typeof message.tool_call_id !== 'string') {
    throw badRequest(`messages[${index}].tool_call_id is missing`);
  }
  const text = textBlocks(message.content, index)
    .map((block) => block.text as string)
    .join('');
  // An empty result still needs a text block, and Converse rejects blank ones.
  const content = [{ text: text === '' ? '(empty)' : text }];
  return { toolResult: { toolUseId: message.tool_call_id, content } };
}

function badRequest(detail: string): GatewayError {
  return new GatewayError(
    'BadRequestError',
    `litellm.BadRequestError: BedrockException - ${detail}`,
  );
}
