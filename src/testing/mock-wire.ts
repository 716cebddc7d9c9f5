/**
 * OpenAI response bodies as strings. The mock sits under benchmarks at 10k+ req/s, so what
 * depends only on the reply text is serialised once (a {@link ReplyTemplate}) and each request
 * splices in just its id, timestamp, model and token counts.
 */
import type { JsonObject } from '../core/openai-types.ts';

/** The OpenAI endpoints the mock answers. */
export type Endpoint = 'chat' | 'completion' | 'embedding' | 'models';

/** Everything about one reply text that does not change from request to request. */
export interface ReplyTemplate {
  readonly text: string;
  readonly completionTokens: number;
  /** `choices` of a chat.completion. */
  readonly chatChoices: string;
  /** One serialised choice per chat stream chunk: role, content pieces, finish. */
  readonly chatDeltas: readonly string[];
  /** `choices` of a text_completion. */
  readonly textChoices: string;
  /** One serialised choice per text_completion stream chunk: pieces, finish. */
  readonly textDeltas: readonly string[];
}

/** The per-request parts of an answer. */
export interface CallMeta {
  /** Response id; only `[A-Za-z0-9-]`, so it needs no escaping. */
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  /** The model, already JSON-encoded. */
  readonly modelJson: string;
  readonly promptTokens: number;
  /** `stream_options.include_usage` was set. */
  readonly includeUsage: boolean;
}

/** Content is streamed in at most this many pieces. */
const MAX_PIECES = 4;

/** Serialises everything about `text` that is the same for every request. */
export function createReplyTemplate(text: string): ReplyTemplate {
  const pieces = splitReply(text);
  const json = JSON.stringify;
  const chatDelta = (delta: string, finish: string): string =>
    `{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}`;
  const textDelta = (piece: string, finish: string): string =>
    `{"text":${json(piece)},"index":0,"logprobs":null,"finish_reason":${finish}}`;
  return {
    text,
    completionTokens: tokensFor(text.length),
    chatChoices:
      `[{"index":0,"message":{"role":"assistant","content":${json(text)}},` +
      `"logprobs":null,"finish_reason":"stop"}]`,
    chatDeltas: [
      chatDelta('{"role":"assistant","content":""}', 'null'),
      ...pieces.map((piece) => chatDelta(`{"content":${json(piece)}}`, 'null')),
      chatDelta('{}', '"stop"'),
    ],
    textChoices: `[${textDelta(text, '"stop"')}]`,
    textDeltas: [...pieces.map((piece) => textDelta(piece, 'null')), textDelta('', '"stop"')],
  };
}

/** A `chat.completion` body. */
export function chatCompletionJson(reply: ReplyTemplate, meta: CallMeta): string {
  return (
    `{"id":"chatcmpl-${meta.id}","object":"chat.completion","created":${meta.created},` +
    `"model":${meta.modelJson},"choices":${reply.chatChoices},` +
    `"usage":${usageJson(meta.promptTokens, reply.completionTokens)}}`
  );
}

/** A `text_completion` body. */
export function textCompletionJson(reply: ReplyTemplate, meta: CallMeta): string {
  return (
    `{"id":"cmpl-${meta.id}","object":"text_completion","created":${meta.created},` +
    `"model":${meta.modelJson},"choices":${reply.textChoices},` +
    `"usage":${usageJson(meta.promptTokens, reply.completionTokens)}}`
  );
}

/**
 * The JSON of every stream chunk, in order. With `include_usage`, OpenAI sets `usage: null` on
 * each chunk and adds a last chunk with empty `choices` and the totals; we do the same.
 */
export function streamChunks(
  kind: 'chat' | 'completion',
  reply: ReplyTemplate,
  meta: CallMeta,
): string[] {
  const head =
    kind === 'chat'
      ? `{"id":"chatcmpl-${meta.id}","object":"chat.completion.chunk",`
      : `{"id":"cmpl-${meta.id}","object":"text_completion",`;
  const open = `${head}"created":${meta.created},"model":${meta.modelJson},"choices":[`;
  const close = meta.includeUsage ? '],"usage":null}' : ']}';
  const deltas = kind === 'chat' ? reply.chatDeltas : reply.textDeltas;
  const chunks = deltas.map((delta) => open + delta + close);
  if (meta.includeUsage) {
    chunks.push(`${open}],"usage":${usageJson(meta.promptTokens, reply.completionTokens)}}`);
  }
  return chunks;
}

/** SSE framing: one `data:` event per chunk. */
export function sseFrames(chunks: readonly string[]): string {
  let out = '';
  for (const chunk of chunks) out += `data: ${chunk}\n\n`;
  return out;
}

/** The stream terminator OpenAI sends after the last chunk. */
export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * An embeddings list, one deterministic unit vector of 8 dimensions per input (the same
 * input always gets the same vector). Honours `encoding_format: "base64"` (little-endian
 * float32), which the official SDKs request by default. Undefined when `input` is unusable.
 */
export function embeddingsJson(body: JsonObject, modelJson: string): string | undefined {
  const inputs = embeddingInputs(body.input);
  if (inputs === undefined) return undefined;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const vector = vectorFor(input);
    const embedding = base64
      ? JSON.stringify(Buffer.from(new Float32Array(vector).buffer).toString('base64'))
      : JSON.stringify(vector);
    return `{"object":"embedding","index":${index},"embedding":${embedding}}`;
  });
  const tokens = promptTokens('embedding', body);
  return (
    `{"object":"list","data":[${data.join(',')}],"model":${modelJson},` +
    `"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`
  );
}

/** The `GET /v1/models` list. */
export function modelsJson(models: readonly string[], owner: string, created: number): string {
  const data = models.map((id) => ({ id, object: 'model', created, owned_by: owner }));
  return JSON.stringify({ object: 'list', data });
}

/** A rough, deterministic prompt size: ~4 characters per token, as OpenAI's rule of thumb. */
export function promptTokens(endpoint: Endpoint, body: JsonObject): number {
  const source =
    endpoint === 'chat' ? body.messages : endpoint === 'completion' ? body.prompt : body.input;
  return tokensFor(textLength(source));
}

function tokensFor(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

/** Characters of text in a prompt: strings, message contents, content parts; a token id counts 4. */
function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return 4;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += textLength(item);
    return total;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as JsonObject;
    return textLength(record.content) + textLength(record.text);
  }
  return 0;
}

/** Splits at word starts into at most MAX_PIECES pieces that join back to the text. */
export function splitReply(text: string): string[] {
  const words = text.split(/(?=\s)/).filter((word) => word.length > 0);
  if (words.length <= MAX_PIECES) return words;
  const size = Math.ceil(words.length / MAX_PIECES);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += size) pieces.push(words.slice(i, i + size).join(''));
  return pieces;
}

/** `input` may be a string, an array of strings, an array of token ids, or an array of those. */
function embeddingInputs(input: unknown): unknown[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === 'number')) return [input];
  return input.every((item) => typeof item === 'string' || Array.isArray(item)) ? input : undefined;
}

function vectorFor(input: unknown): number[] {
  const random = mulberry32(fnv1a(typeof input === 'string' ? input : JSON.stringify(input)));
  const raw = Array.from({ length: 8 }, () => random() * 2 - 1);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A tiny seeded PRNG: deterministic vectors without a dependency. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function usageJson(prompt: number, completion: number): string {
  return `{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion}}`;
}
