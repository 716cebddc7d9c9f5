/**
 * Input windows of well-known models, in tokens, for the context-window pre-call check when a
 * deployment's `model_info.max_input_tokens` is not set. Values are the providers' published
 * input limits (as in LiteLLM's model map: `max_input_tokens`, not the output limit). Where a
 * family's versions differ, the larger window is listed, so the check never refuses a request
 * the model would take; set `max_input_tokens` for an exact limit. Unknown models are not
 * checked at all.
 */

/** One family: a pattern on the bare model name (see bareModelName) and its input window. */
type WindowRule = readonly [pattern: RegExp, maxInputTokens: number];

/** First match wins: specific versions before their family. */
const WINDOWS: readonly WindowRule[] = [
  // OpenAI (and the same models on Azure, whose names drop the dot: gpt-35-turbo)
  [/^gpt-5/, 272_000],
  [/^gpt-4\.1/, 1_047_576],
  [/^(gpt-4\.5|gpt-4o|chatgpt-4o|gpt-4-turbo|gpt-4-\d{4}-preview|gpt-4-vision)/, 128_000],
  [/^gpt-4-32k/, 32_768],
  [/^gpt-4(-\d{4})?$/, 8_192],
  [/^gpt-3\.5-turbo-instruct|^gpt-35-turbo-instruct/, 8_192],
  [/^gpt-3\.5-turbo|^gpt-35-turbo/, 16_385],
  [/^o1-(mini|preview)/, 128_000],
  [/^o[1-9](-|$)/, 200_000],
  [/^gpt-oss/, 131_072],
  [/^text-embedding-(3-small|3-large|ada-002)/, 8_191],
  // Anthropic (also Bedrock and Vertex names once their prefixes are stripped)
  [/^claude-(3|sonnet-4|opus-4|haiku-4|2\.1)/, 200_000],
  [/^claude-(2|instant)/, 100_000],
  // Google Gemini
  [/^gemini-1\.5-pro/, 2_097_152],
  [/^gemini-(1\.5|2\.0|2\.5|3)/, 1_048_576],
  [/^gemini-(1\.0-)?pro/, 32_760],
  // Mistral
  [/^codestral/, 256_000],
  [/^(mistral-large|mistral-medium|mistral-small|pixtral|ministral|open-mistral-nemo)/, 131_072],
  [/^open-mixtral-8x22b/, 65_536],
  [/^(open-mistral-7b|open-mixtral-8x7b|mistral-7b|mixtral-8x7b)/, 32_768],
  // Meta Llama 3.x (HF ids such as meta-llama/Meta-Llama-3.1-8B-Instruct, Ollama's llama3.1)
  [/^(meta-)?llama-?3\.[123]/, 131_072],
  [/^(meta-)?llama-?3(?![.\d])/, 8_192],
];

/** Provider routes whose own prefix precedes the vendor's model id on Bedrock (`us.anthropic.`). */
const BEDROCK_PREFIX = /^((us|eu|apac|global)\.)?(anthropic|meta|mistral|amazon|cohere|ai21)\./;

/**
 * The part of a model name the table is keyed by: lower case, after the last `/` (provider
 * prefixes and Hugging Face organisations), without a Bedrock region or vendor prefix. Suffixes
 * (dates, `-v1:0`, Ollama's `:8b`) stay: the patterns match on the start of the name.
 */
export function bareModelName(model: string): string {
  const last = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return last.replace(BEDROCK_PREFIX, '');
}

/**
 * The published input window of `model` in tokens (`azure/gpt-4o`, `claude-3-5-sonnet-20241022`,
 * `bedrock/anthropic.claude-3-haiku-20240307-v1:0`, `meta-llama/Llama-3.1-8B-Instruct`), or
 * undefined when the table does not know it.
 */
export function knownContextWindow(model: string): number | undefined {
  const bare = bareModelName(model);
  for (const [pattern, tokens] of WINDOWS) if (pattern.test(bare)) return tokens;
  return undefined;
}
