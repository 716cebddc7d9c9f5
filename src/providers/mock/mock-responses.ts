/**
 * The bodies the mock provider answers with, in OpenAI's wire format. Pure functions of their
 * inputs, so tests can predict every field but the id.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  GatewayRequestBody,
  JsonObject,
  Usage,
} from '../../core/openai-types.ts';

/** Length of every mock embedding vector. */
export const MOCK_EMBEDDING_DIMENSIONS = 8;

/** What one mock answer is about: shared by every body built for it. */
export interface MockAnswer {
  readonly id: string;
  /** Seconds since the epoch, as OpenAI's `created`. */
  readonly created: number;
  /** The deployment's upstream model. */
  readonly model: string;
  readonly text: string;
  readonly body: GatewayRequestBody;
}

/** A rough token count: about four characters a token, as OpenAI's own rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Token usage of answering `body` with `completionText`. */
export function mockUsage(body: GatewayRequestBody, completionText: string): Usage {
  const prompt_tokens = estimateTokens(promptText(body));
  const completion_tokens = estimateTokens(completionText);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** A `chat.completion` answering with `answer.text`. */
export function mockChatCompletion(answer: MockAnswer): ChatCompletion {
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.text },
        finish_reason: 'stop',
      },
    ],
    usage: mockUsage(answer.body, answer.text),
  };
}

/** A legacy `text_completion` answering with `answer.text`. */
export function mockTextCompletion(answer: MockAnswer): JsonObject {
  return {
    id: answer.id,
    object: 'text_completion',
    created: answer.created,
    model: answer.model,
    choices: [{ text: answer.text, index: 0, logprobs: null, finish_reason: 'stop' }],
    usage: mockUsage(answer.body, answer.text),
  };
}

/** An embedding list with one deterministic vector per input. */
export function mockEmbeddingList(model: string, body: GatewayRequestBody): JsonObject {
  const inputs = embeddingInputs(body.input);
  const promptTokens = inputs.reduce((sum, input) => sum + estimateTokens(input), 0);
  return {
    object: 'list',
    data: inputs.map((input, index) => ({
      object: 'embedding',
      index,
      embedding: mockVector(input),
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/**
 * The chunks of a streamed chat answer, as OpenAI sends them: a role chunk, the content in
 * word-sized pieces, a finish chunk, then the usage chunk when `stream_options.include_usage`.
 */
export function mockChatChunks(answer: MockAnswer): ChatCompletionChunk[] {
  const withUsage = includeUsage(answer.body);
  const chunk = (delta: JsonObject, finishReason: string | null): ChatCompletionChunk => ({
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    // With include_usage OpenAI sends `usage: null` on every chunk but the last.
    ...(withUsage ? { usage: null } : {}),
  });
  const chunks = [chunk({ role: 'assistant', content: '' }, null)];
  for (const piece of splitWords(answer.text)) chunks.push(chunk({ content: piece }, null));
  chunks.push(chunk({}, 'stop'));
  if (withUsage) {
    chunks.push({
      id: answer.id,
      object: 'chat.completion.chunk',
      created: answer.created,
      model: answer.model,
      choices: [],
      usage: mockUsage(answer.body, answer.text),
    });
  }
  return chunks;
}

/** The chunks of a streamed legacy completion (`text_completion` objects). */
export function mockCompletionChunks(answer: MockAnswer): JsonObject[] {
  const chunk = (text: string, finishReason: string | null): JsonObject => ({
    id: answer.id,
    object: 'text_completion',
    created: answer.created,
    model: answer.model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
  });
  const chunks = splitWords(answer.text).map((piece) => chunk(piece, null));
  chunks.push(chunk('', 'stop'));
  if (includeUsage(answer.body)) {
    chunks.push({ ...chunk('', null), choices: [], usage: mockUsage(answer.body, answer.text) });
  }
  return chunks;
}

/** Word-ish pieces that concatenate back to `text`: each word keeps its trailing spaces. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

function includeUsage(body: GatewayRequestBody): boolean {
  const options = body.stream_options;
  return typeof options === 'object' && options !== null && 'include_usage' in options
    ? options.include_usage === true
    : false;
}

/** The text a request asks about: chat messages' text parts, or a completion's prompt. */
function promptText(body: GatewayRequestBody): string {
  if (Array.isArray(body.messages)) {
    return body.messages.map((message: unknown) => contentText(message)).join('\n');
  }
  const prompt = body.prompt;
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt)) return prompt.filter((p) => typeof p === 'string').join('\n');
  return '';
}

function contentText(message: unknown): string {
  if (typeof message !== 'object' || message === null || !('content' in message)) return '';
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .join('');
}

/** OpenAI's `input`: a string, strings, a token array, or token arrays; one entry per input. */
function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((item) => typeof item === 'number')) return [JSON.stringify(input)];
  return input.map((item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** A unit vector seeded by an FNV-1a hash of `text`: same text, same vector, on any machine. */
export function mockVector(text: string): number[] {
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    seed ^= text.charCodeAt(i);
    seed = Math.imul(seed, 0x01000193);
  }
  const values: number[] = [];
  for (let i = 0; i < MOCK_EMBEDDING_DIMENSIONS; i++) {
    // mulberry32: a tiny, well-mixed generator, enough to spread the hash over 8 numbers.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    values.push((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}
