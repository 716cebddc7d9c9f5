/**
 * Which byte-pair encoding counts a model's tokens. OpenAI publishes the encodings of its own
 * models, so their counts are exact; every other family (Claude, Llama, Gemini, Mistral…) has
 * its own tokenizer that is not bundled here, and cl100k_base stands in for it, as LiteLLM's
 * default does. Such counts are an approximation, typically within ±15 % for English text.
 */

/** An encoding gpt-tokenizer ships. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Models on o200k_base: the GPT-4o generation and everything after it. */
const O200K_MODEL = /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o[1-9](-|$)|codex-)/;
/** Models on cl100k_base: GPT-4, GPT-3.5 and OpenAI's embeddings. */
const CL100K_MODEL = /^(gpt-4|gpt-3\.5|gpt-35|text-embedding-)/;

/** The encoding for `model` (an upstream name, with or without a provider prefix). */
export function encodingFor(model: string): EncodingName {
  const bare = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  if (O200K_MODEL.test(bare)) return 'o200k_base';
  return 'cl100k_base';
}

/** Whether counts for `model` are exact (an OpenAI model with a published encoding). */
export function isExactFor(model: string): boolean {
  const bare = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return O200K_MODEL.test(bare) || CL100K_MODEL.test(bare);
}
