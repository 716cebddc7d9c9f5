/**
 * Hosted OpenAI-compatible APIs, as data: each is OpenAI's wire format at another base URL with
 * its own key variable and exception label, so each is one row here and a preset of the OpenAI
 * codec at run time, never a copy. Every value is LiteLLM's (its
 * `_get_openai_compatible_provider_info` for the provider): the default `api_base`, the
 * environment variables it reads for the base and the key, in LiteLLM's order of precedence.
 * No imports: config reads this table too.
 */

/** One OpenAI-compatible provider. */
export interface CompatibleProviderSpec {
  /** The `litellm_params.model` prefix, e.g. `groq`. */
  readonly name: string;
  /** The public endpoint, including its version path; undefined when there is none (local servers). */
  readonly apiBase: string | undefined;
  /** Environment variables that override `apiBase`, first set wins. */
  readonly apiBaseEnv: readonly string[];
  /** Environment variables holding the key, first set wins. */
  readonly apiKeyEnv: readonly string[];
  /** LiteLLM's exception label: the provider name capitalised, then `Exception`. */
  readonly errorLabel: string;
}

/** The table. Sorted by name; add a row to add a provider. */
export const COMPATIBLE_PROVIDERS = [
  {
    name: 'cerebras',
    apiBase: 'https://api.cerebras.ai/v1',
    apiBaseEnv: ['CEREBRAS_API_BASE'],
    apiKeyEnv: ['CEREBRAS_API_KEY'],
    errorLabel: 'CerebrasException',
  },
  {
    name: 'deepinfra',
    apiBase: 'https://api.deepinfra.com/v1/openai',
    apiBaseEnv: ['DEEPINFRA_API_BASE'],
    apiKeyEnv: ['DEEPINFRA_API_KEY'],
    errorLabel: 'DeepinfraException',
  },
  {
    name: 'deepseek',
    // LiteLLM's default; DeepSeek serves the same chat API under /beta, plus beta features.
    apiBase: 'https://api.deepseek.com/beta',
    apiBaseEnv: ['DEEPSEEK_API_BASE'],
    apiKeyEnv: ['DEEPSEEK_API_KEY'],
    errorLabel: 'DeepseekException',
  },
  {
    name: 'fireworks_ai',
    apiBase: 'https://api.fireworks.ai/inference/v1',
    apiBaseEnv: ['FIREWORKS_API_BASE'],
    apiKeyEnv: [
      'FIREWORKS_API_KEY',
      'FIREWORKS_AI_API_KEY',
      'FIREWORKSAI_API_KEY',
      'FIREWORKS_AI_TOKEN',
    ],
    errorLabel: 'Fireworks_aiException',
  },
  {
    name: 'groq',
    apiBase: 'https://api.groq.com/openai/v1',
    apiBaseEnv: ['GROQ_API_BASE'],
    apiKeyEnv: ['GROQ_API_KEY'],
    errorLabel: 'GroqException',
  },
  {
    name: 'lm_studio',
    // A local server: no default, api_base (or LM_STUDIO_API_BASE) is required.
    apiBase: undefined,
    apiBaseEnv: ['LM_STUDIO_API_BASE'],
    apiKeyEnv: ['LM_STUDIO_API_KEY'],
    errorLabel: 'Lm_studioException',
  },
  {
    name: 'mistral',
    // LiteLLM also reads MISTRAL_AZURE_API_BASE/_KEY (Mistral on Azure AI); those belong to an
    // azure deployment here, so only Mistral's own variable is read.
    apiBase: 'https://api.mistral.ai/v1',
    apiBaseEnv: [],
    apiKeyEnv: ['MISTRAL_API_KEY'],
    errorLabel: 'MistralException',
  },
  {
    name: 'openrouter',
    apiBase: 'https://openrouter.ai/api/v1',
    apiBaseEnv: ['OPENROUTER_API_BASE'],
    apiKeyEnv: ['OPENROUTER_API_KEY', 'OR_API_KEY'],
    errorLabel: 'OpenrouterException',
  },
  {
    name: 'perplexity',
    apiBase: 'https://api.perplexity.ai',
    apiBaseEnv: ['PERPLEXITY_API_BASE'],
    apiKeyEnv: ['PERPLEXITYAI_API_KEY', 'PERPLEXITY_API_KEY'],
    errorLabel: 'PerplexityException',
  },
  {
    name: 'together_ai',
    apiBase: 'https://api.together.xyz/v1',
    apiBaseEnv: ['TOGETHER_AI_API_BASE'],
    apiKeyEnv: [
      'TOGETHER_API_KEY',
      'TOGETHER_AI_API_KEY',
      'TOGETHERAI_API_KEY',
      'TOGETHER_AI_TOKEN',
    ],
    errorLabel: 'Together_aiException',
  },
  {
    name: 'xai',
    apiBase: 'https://api.x.ai/v1',
    apiBaseEnv: ['XAI_API_BASE'],
    apiKeyEnv: ['XAI_API_KEY'],
    errorLabel: 'XaiException',
  },
] as const satisfies readonly CompatibleProviderSpec[];

/** The name of a table provider. */
export type CompatibleProviderName = (typeof COMPATIBLE_PROVIDERS)[number]['name'];

/** The table's names, in table order. */
export const COMPATIBLE_PROVIDER_NAMES = COMPATIBLE_PROVIDERS.map(
  (spec) => spec.name,
) as readonly CompatibleProviderName[];

/** The row of `name`, or undefined when `name` is not a table provider. */
export function compatibleProvider(name: string): CompatibleProviderSpec | undefined {
  return COMPATIBLE_PROVIDERS.find((spec) => spec.name === name);
}
