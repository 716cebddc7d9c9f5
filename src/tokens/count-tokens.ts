/**
 * Input-token counts for pre-call checks (context window) and usage-based routing (tpm), with
 * gpt-tokenizer. An encoding's tables cost ~100 ms and tens of MB to load, so each is loaded on
 * first use, or at start-up through preloadEncoding() when the config will need it, never by a
 * gateway that does not count.
 */
import { createRequire } from 'node:module';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import { encodingFor, type EncodingName } from './encodings.ts';

interface Encoding {
  countTokens(text: string): number;
}

/** OpenAI's chat framing: every message costs 3 tokens around its content, a name 1 more… */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
/** …and every reply is primed with 3 (https://cookbook.openai.com, "How to count tokens"). */
const REPLY_PRIMING_TOKENS = 3;

// A synchronous, lazy load: counting happens inside the request path, which must not await.
const require = createRequire(import.meta.url);
const loaded = new Map<EncodingName, Encoding>();

function encoding(name: EncodingName): Encoding {
  let found = loaded.get(name);
  if (found === undefined) {
    found = require(`gpt-tokenizer/cjs/encoding/${name}`) as Encoding;
    loaded.set(name, found);
  }
  return found;
}

/** Loads the encoding `model` needs now, so the first request does not pay for it. */
export function preloadEncoding(model: string): void {
  encoding(encodingFor(model));
}

/** Tokens in `text` as `model` counts them (exact for OpenAI models, else an approximation). */
export function countTextTokens(text: string, model: string): number {
  return text === '' ? 0 : encoding(encodingFor(model)).countTokens(text);
}

/**
 * The input tokens of a request body: chat messages with OpenAI's per-message framing (text
 * parts, tool calls and tool definitions counted; images are not), a completion's prompt, or an
 * embedding's input. Never throws on odd shapes: what is not text is not counted.
 */
export function countInputTokens(
  operation: Operation,
  body: GatewayRequestBody,
  model: string,
): number {
  return measureInput(operation, body, (text) => countTextTokens(text, model));
}

/**
 * A cheap upper bound of countInputTokens() for any encoding, with no tokenizer: a byte-level
 * BPE token covers at least one UTF-8 byte, so a text has at most as many tokens as bytes. Lets
 * a pre-call check skip counting when even the bound fits every window.
 */
export function inputTokenCeiling(operation: Operation, body: GatewayRequestBody): number {
  return measureInput(operation, body, utf8Bytes);
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The request's input measured by `count` per text, with the framing countInputTokens uses. */
function measureInput(
  operation: Operation,
  body: GatewayRequestBody,
  count: (text: string) => number,
): number {
  if (operation === 'completion') return sumTexts(body.prompt, count);
  if (operation === 'embedding') return sumTexts(body.input, count);
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const fields = message as Record<string, unknown>;
    total += TOKENS_PER_MESSAGE + count(typeof fields.role === 'string' ? fields.role : '');
    total += contentTokens(fields.content, count);
    if (typeof fields.name === 'string') total += TOKENS_PER_NAME + count(fields.name);
    if (fields.tool_calls !== undefined) total += count(JSON.stringify(fields.tool_calls));
  }
  if (body.tools !== undefined) total += count(JSON.stringify(body.tools));
  return total;
}

function contentTokens(content: unknown, count: (text: string) => number): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const text = (part as Record<string, unknown>).text;
    if (typeof text === 'string') total += count(text);
  }
  return total;
}

/** A prompt or input: a string, a list of strings, or token ids (already counted). */
function sumTexts(value: unknown, count: (text: string) => number): number {
  if (typeof value === 'string') return count(value);
  if (!Array.isArray(value)) return 0;
  let total = 0;
  for (const item of value as unknown[]) {
    if (typeof item === 'string') total += count(item);
    else if (typeof item === 'number') total += 1;
    else if (Array.isArray(item)) total += item.length;
  }
  return total;
}
