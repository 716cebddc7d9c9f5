/**
 * OpenAI chat messages → Gemini `contents` and `systemInstruction`
 * (https://ai.google.dev/api/generate-content). Gemini has two roles, `user` and `model`;
 * system prompts travel apart, tool results are `functionResponse` parts of a user turn, and
 * consecutive turns of one role are merged, since Gemini expects them to alternate.
 */
import type { JsonObject } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';

/** One Gemini content part (text, inline data, file reference, function call or response). */
export type GeminiPart = JsonObject;

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** The conversation half of a GenerateContent request. */
export interface EncodedConversation {
  readonly contents: GeminiContent[];
  readonly systemInstruction?: { parts: GeminiPart[] };
}

/** A message the codec cannot translate; the codec turns it into a BadRequestError. */
export class UnsupportedMessageError extends Error {
  override readonly name = 'UnsupportedMessageError';
}

/**
 * Encodes `messages`. `system` and `developer` messages become the system instruction, wherever
 * they appear; tool results find their function's name through the assistant tool call that
 * `tool_call_id` answers.
 */
export function encodeConversation(messages: readonly unknown[]): EncodedConversation {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((raw, index) => {
    const message = asObject(raw);
    if (message === undefined)
      throw new UnsupportedMessageError(`messages[${index}] is not an object`);
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(message.content, index));
        break;
      case 'user':
        push('user', userParts(message.content, index));
        break;
      case 'assistant':
        push('model', assistantParts(message, index, toolNames));
        break;
      case 'tool':
      case 'function':
        push('user', [functionResponse(message, index, toolNames)]);
        break;
      default:
        throw new UnsupportedMessageError(
          `messages[${index}].role ${JSON.stringify(message.role)} is not supported`,
        );
    }
  });
  return system.length === 0 ? { contents } : { contents, systemInstruction: { parts: system } };
}

/** Text of a system message: a string or text parts. */
function textParts(content: unknown, index: number): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) {
    throw new UnsupportedMessageError(`messages[${index}].content must be a string or a list`);
  }
  return content.map((part, partIndex) => {
    const object = asObject(part);
    if (object?.type !== 'text' || typeof object.text !== 'string') {
      throw new UnsupportedMessageError(
        `messages[${index}].content[${partIndex}]: only text parts are allowed here`,
      );
    }
    return { text: object.text };
  });
}

/** A user message: text, and images as inline data (data URLs) or file references. */
function userParts(content: unknown, index: number): GeminiPart[] {
  if (!Array.isArray(content)) return textParts(content, index);
  return content.map((part, partIndex) => {
    const object = asObject(part);
    if (object?.type === 'text' && typeof object.text === 'string') return { text: object.text };
    if (object?.type === 'image_url') {
      const image = object.image_url;
      const url = typeof image === 'string' ? image : asObject(image)?.url;
      if (typeof url === 'string') return imagePart(url);
    }
    throw new UnsupportedMessageError(
      `messages[${index}].content[${partIndex}]: only text and image_url parts are supported`,
    );
  });
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/**
 * `data:` URLs are sent inline; other URLs (`gs://`, `https://`) as `fileData`, which Gemini
 * fetches itself: the codec does no I/O (LiteLLM downloads and inlines them instead).
 */
function imagePart(url: string): GeminiPart {
  const data = DATA_URL.exec(url);
  if (data !== null) return { inlineData: { mimeType: data[1], data: data[2] } };
  return { fileData: { mimeType: mimeTypeOf(url), fileUri: url } };
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
};

function mimeTypeOf(url: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? 'image/jpeg';
}

/** An assistant turn: its text, then its tool calls as `functionCall` parts. */
function assistantParts(
  message: Record<string, unknown>,
  index: number,
  toolNames: Map<string, string>,
): GeminiPart[] {
  const parts = textParts(message.content, index);
  const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]) : [];
  calls.forEach((raw, callIndex) => {
    const call = asObject(raw);
    const fn = asObject(call?.function);
    if (typeof fn?.name !== 'string') {
      throw new UnsupportedMessageError(
        `messages[${index}].tool_calls[${callIndex}].function.name is missing`,
      );
    }
    if (typeof call?.id === 'string') toolNames.set(call.id, fn.name);
    parts.push({ functionCall: { name: fn.name, args: parseArguments(fn.arguments, index) } });
  });
  const legacy = asObject(message.function_call);
  if (typeof legacy?.name === 'string') {
    parts.push({
      functionCall: { name: legacy.name, args: parseArguments(legacy.arguments, index) },
    });
  }
  return parts;
}

function parseArguments(text: unknown, index: number): JsonObject {
  if (text === undefined || text === null || text === '') return {};
  if (typeof text !== 'string') {
    throw new UnsupportedMessageError(`messages[${index}]: tool call arguments must be a string`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new UnsupportedMessageError(`messages[${index}]: tool call arguments are not valid JSON`);
  }
  const object = asObject(parsed);
  if (object === undefined) {
    throw new UnsupportedMessageError(
      `messages[${index}]: tool call arguments must be a JSON object`,
    );
  }
  return object;
}

/**
 * A tool result as a `functionResponse` part. Gemini wants the function's name, which OpenAI's
 * tool message does not carry: it is looked up by `tool_call_id`. The result is wrapped as
 * `{content: …}`, as LiteLLM does, since Gemini expects an object.
 */
function functionResponse(
  message: Record<string, unknown>,
  index: number,
  toolNames: ReadonlyMap<string, string>,
): GeminiPart {
  const id = message.tool_call_id;
  const name =
    (typeof id === 'string' ? toolNames.get(id) : undefined) ??
    (typeof message.name === 'string' ? message.name : undefined);
  if (name === undefined) {
    throw new UnsupportedMessageError(
      `messages[${index}]: tool_call_id ${JSON.stringify(id)} matches no earlier assistant tool call`,
    );
  }
  return { functionResponse: { name, response: { content: resultText(message.content) } } };
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => asObject(part)?.text)
      .filter((text): text is string => typeof text === 'string')
      .join('');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}
