/**
 * The JSON text an upstream answer or stream chunk was parsed from, kept while the object is
 * unchanged, so the gateway writes that text instead of serialising the object again. OpenAI
 * and every compatible server answer in the gateway's own format: their objects pass through
 * untouched, and re-serialising them was a JSON.stringify per answer and per stream chunk on the
 * hot path (the biggest for large embeddings answers).
 *
 * Rules for whoever uses it: remember a text only for the object parsed from exactly that text;
 * anything that changes such an object afterwards must forget() it first. A WeakMap rather
 * than a property: the objects reach library users, whose comparisons must not see it.
 */
const texts = new WeakMap<object, string>();

/** Records that `value` was parsed from `json` and has not changed since. */
export function rememberSourceText(value: object, json: string): void {
  texts.set(value, json);
}

/** `value` is about to change: its source text no longer describes it. */
export function forgetSourceText(value: object): void {
  texts.delete(value);
}

/** The text `value` was parsed from, if it is still exact. */
export function sourceTextOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? texts.get(value) : undefined;
}
