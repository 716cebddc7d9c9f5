/** Client-side helpers: what an OpenAI SDK would send, and typed views of what comes back. */
import assert from 'node:assert/strict';
import { postJson } from '../../src/testing/mock-test-helpers.ts';

export { postJson, readUntilError, sseData, waitFor } from '../../src/testing/mock-test-helpers.ts';

/** A chat completion as OpenAI returns it (the fields the tests read). */
export interface ChatCompletion {
  readonly id: string;
  readonly object: string;
  readonly model: string;
  readonly choices: readonly { readonly message: { readonly content: string | null } }[];
}

/** A legacy text completion. */
export interface TextCompletion {
  readonly object: string;
  readonly choices: readonly { readonly text: string }[];
}

export interface EmbeddingList {
  readonly object: string;
  readonly data: readonly { readonly embedding: readonly number[] }[];
}

/** OpenAI's error envelope, as the gateway sends it (`code` is the status as a string). */
export interface ErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string;
  };
}

/** One SSE chunk of a chat or text completion stream. */
export interface StreamChunk {
  readonly id?: string;
  readonly choices?: readonly {
    readonly delta?: { readonly content?: string; readonly role?: string };
    readonly text?: string;
  }[];
  readonly error?: ErrorBody['error'];
}

/** `{ model, messages: [user: text] }` plus any extra fields. */
export function chatBody(
  model: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: 'Say hello' }], ...extra };
}

/** POSTs a chat completion request to the gateway. */
export function chat(
  baseUrl: string,
  model: string,
  extra: Record<string, unknown> = {},
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return postJson(`${baseUrl}/v1/chat/completions`, chatBody(model, extra), init);
}

export async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** The text of the first choice of a chat completion response. */
export async function chatContent(response: Response): Promise<string | null | undefined> {
  return (await json<ChatCompletion>(response)).choices[0]?.message.content;
}

/** Checks the OpenAI error shape and status code, and returns the message. */
export async function expectOpenAiError(
  response: Response,
  status: number,
): Promise<ErrorBody['error']> {
  assert.equal(response.status, status);
  const body = await json<ErrorBody>(response);
  assert.equal(typeof body.error.message, 'string');
  assert.equal(typeof body.error.type, 'string');
  assert.ok(body.error.param === null || typeof body.error.param === 'string');
  assert.equal(body.error.code, String(status));
  return body.error;
}

/** The chunks of an SSE body (everything but `[DONE]`), parsed. */
export function streamChunks(payloads: readonly string[]): StreamChunk[] {
  return payloads
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as StreamChunk);
}

/** The text a stream spells out: chat deltas or completion texts, concatenated. */
export function streamedText(chunks: readonly StreamChunk[]): string {
  return chunks
    .map((chunk) => {
      const choice = chunk.choices?.[0];
      return choice?.delta?.content ?? choice?.text ?? '';
    })
    .join('');
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts the response carries a numeric (non-negative integer) header. */
export function assertNumericHeader(response: Response, name: string): void {
  const value = response.headers.get(name);
  assert.ok(value !== null && /^\d+$/.test(value), `${name} should be numeric, got ${value}`);
}
