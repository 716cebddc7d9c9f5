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
 * Kept in a private field that SourceText adds to the object: invisible to JSON.stringify, to
 * spreads and copies (a copy may be changed), to library users' deep-equality checks and to
 * reflection. A WeakMap was measured first and cost more than the JSON.stringify it saved on
 * streams (V8's ephemeron tables under thousands of short-lived chunks a second); a
 * non-enumerable symbol property set with Object.defineProperty, used until the tenth pass,
 * cost ~0.6 µs per JSON answer (defineProperty always runs in V8's runtime), where adding a
 * private field is compiled code.
 */
import type { StreamChunk } from './openai-types.ts';

/**
 * A constructor that returns the object it is given instead of a new one. A class extending it
 * therefore initialises its private fields on that object: the standard way to attach hidden
 * state to an object the class did not create.
 */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

/** The source text of an object, in a private field added to the object itself. */
class SourceText extends ReturnsTarget {
  #text: string | undefined;

  private constructor(target: object, text: string) {
    super(target);
    this.#text = text;
  }

  static remember(value: object, text: string): void {
    // A private field can be added once; after that it is only assigned.
    if (#text in value) value.#text = text;
    else new SourceText(value, text);
  }

  static forget(value: object): void {
    if (#text in value) value.#text = undefined;
  }

  static of(value: object): string | undefined {
    return #text in value ? value.#text : undefined;
  }
}

/** Records that `value` was parsed from `json` and has not changed since. */
export function rememberSourceText(value: object, json: string): void {
  SourceText.remember(value, json);
}

/**
 * A stream chunk passed on unread (see RouteOptions.forwardChunks): no fields of its own, only
 * the text it came as, which the SSE writer sends.
 */
class ForwardedChunk {}

/** A chunk that only carries `json`, the text of one upstream chunk, to be written as is. */
export function forwardedChunk(json: string): StreamChunk {
  // No fields to read: whoever needs one parses sourceTextOf() (RouteOptions.forwardChunks).
  const chunk = new ForwardedChunk();
  SourceText.remember(chunk, json);
  return chunk as unknown as StreamChunk;
}

/**
 * Whole SSE events passed on as they came, framing included (`data: <json>\n\n`, one or more):
 * what an OpenAI-format upstream sent in one read, when every event in it is a plain chunk
 * (RouteOptions.forwardChunks). Held as the bytes came, in a latin1 string (one character per
 * byte), to be written back as latin1 unchanged; it has no fields to read.
 */
class ForwardedEvents {
  readonly #wire: string;

  constructor(wire: string) {
    this.#wire = wire;
  }

  static wireOf(value: object): string | undefined {
    return #wire in value ? value.#wire : undefined;
  }
}

/**
 * A chunk that stands for the events whose bytes `wire` holds, one latin1 character per byte
 * (see readSseEvents), to be written as they came.
 */
export function forwardedEvents(wire: string): StreamChunk {
  return new ForwardedEvents(wire) as unknown as StreamChunk;
}

/**
 * The bytes of the events a forwardedEvents() chunk stands for, as a latin1 string (write it
 * with the latin1 encoding; formatSseData() gives it as text); undefined for other values.
 */
export function wireEventsOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ForwardedEvents.wireOf(value) : undefined;
}

/** `value` is about to change: its source text no longer describes it. */
export function forgetSourceText(value: object): void {
  SourceText.forget(value);
}

/** The text `value` was parsed from, if it is still exact. */
export function sourceTextOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? SourceText.of(value) : undefined;
}
