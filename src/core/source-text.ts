/**
 * The JSON text an upstream answer or stream chunk was parsed from, kept while the object is
 * unchanged, so the gateway writes that text instead of serialising the object again. OpenAI
 * and every compatible server answer in the gateway's own format: their objects pass through
 * untouched, and re-serialising them was a JSON.stringify per answer and per stream chunk on the
 * hot path (the biggest for large embeddings answers).
 *
 * Rules for whoever uses it: remember a text only for the object parsed from exactly that text;
 * anything that changes such an object afterwards must forget() it first.
 *
 * Kept in a non-enumerable symbol property: invisible to JSON.stringify, to spreads and copies
 * (a copy may be changed) and to library users' deep-equality checks. A WeakMap was measured
 * first and cost more than the JSON.stringify it saved on streams (V8's ephemeron tables under
 * thousands of short-lived chunks a second).
 */
import type { StreamChunk } from './openai-types.ts';

const SOURCE_TEXT = Symbol('switchyard.sourceText');

interface WithSourceText {
  [SOURCE_TEXT]?: string | undefined;
}

/** Records that `value` was parsed from `json` and has not changed since. */
export function rememberSourceText(value: object, json: string): void {
  Object.defineProperty(value, SOURCE_TEXT, { value: json, writable: true, configurable: true });
}

/**
 * A stream chunk passed on unread (see RouteOptions.forwardChunks): no fields of its own, only
 * the text it came as, which the SSE writer sends. A plain class field rather than
 * defineProperty: nobody compares or copies these, and they are made for every chunk.
 */
class ForwardedChunk implements WithSourceText {
  [SOURCE_TEXT]: string | undefined;

  constructor(text: string) {
    this[SOURCE_TEXT] = text;
  }
}

/** A chunk that only carries `json`, the text of one upstream chunk, to be written as is. */
export function forwardedChunk(json: string): StreamChunk {
  // No fields to read: whoever needs one parses sourceTextOf() (RouteOptions.forwardChunks).
  return new ForwardedChunk(json) as unknown as StreamChunk;
}

/** `value` is about to change: its source text no longer describes it. */
export function forgetSourceText(value: object): void {
  if (Object.hasOwn(value, SOURCE_TEXT)) (value as WithSourceText)[SOURCE_TEXT] = undefined;
}

/** The text `value` was parsed from, if it is still exact. */
export function sourceTextOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null
    ? (value as WithSourceText)[SOURCE_TEXT]
    : undefined;
}
