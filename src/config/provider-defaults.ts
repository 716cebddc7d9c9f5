/**
 * What a deployment gets from the environment when `litellm_params` leaves it out, as LiteLLM
 * does: OPENAI_API_KEY for `openai/…`, AZURE_API_BASE for `azure/…`, and so on. Read once at
 * compile time; providers never read the environment themselves.
 */
import {
  COMPATIBLE_PROVIDERS,
  compatibleProvider,
} from '../providers/openai-compatible/compatible-presets.ts';
import type { Env } from './env-refs.ts';

/** Values a provider takes from the environment when `litellm_params` omits them. */
export interface ProviderDefaults {
  readonly apiKey: string | undefined;
  readonly apiBase: string | undefined;
  readonly apiVersion: string | undefined;
}

/** OpenAI's public endpoint, used by `openai/…` deployments without `api_base`. */
export const OPENAI_API_BASE = 'https://api.openai.com/v1';

/** Google AI Studio's public host, used by `gemini/…` deployments without `api_base`. */
export const GEMINI_API_BASE = 'https://generativelanguage.googleapis.com';

/** Anthropic's public endpoint, used by `anthropic/…` deployments without `api_base`. */
export const ANTHROPIC_API_BASE = 'https://api.anthropic.com';

/** Where Ollama listens by default, used by `ollama/…` and `ollama_chat/…`. */
export const OLLAMA_API_BASE = 'http://localhost:11434';

/** Providers that cannot work without an `api_base`: there is no public default. */
export const NEEDS_API_BASE: ReadonlySet<string> = new Set([
  'azure',
  'hosted_vllm',
  'huggingface',
  'lm_studio',
]);

/**
 * Providers whose environment key belongs to their public endpoint: it is sent only when the
 * deployment talks to that endpoint (the default or the provider's `*_API_BASE` variable), never
 * to an `api_base` the config points elsewhere. Providers without a public endpoint (Azure, vLLM,
 * TGI, Ollama, LM Studio) have keys scoped to the provider already.
 */
export const KEY_BOUND_TO_BASE: ReadonlySet<string> = new Set([
  'openai',
  'anthropic',
  ...COMPATIBLE_PROVIDERS.filter((spec) => spec.apiBase !== undefined).map((spec) => spec.name),
]);

/** The environment variables that name an `api_base`, by provider, for error hints. */
export const API_BASE_ENV: Readonly<Record<string, string>> = {
  openai: 'OPENAI_API_BASE',
  azure: 'AZURE_API_BASE',
  hosted_vllm: 'HOSTED_VLLM_API_BASE',
  gemini: 'GEMINI_API_BASE',
  anthropic: 'ANTHROPIC_API_BASE',
  huggingface: 'HF_API_BASE',
  lm_studio: 'LM_STUDIO_API_BASE',
  ollama: 'OLLAMA_API_BASE',
  ollama_chat: 'OLLAMA_API_BASE',
};

/** Providers that refuse every call without a key (LiteLLM fails them at call time; we at start-up). */
export const NEEDS_API_KEY: ReadonlySet<string> = new Set(['anthropic']);

/** The environment variables that hold a provider's key, by provider, for error hints. */
export const API_KEY_ENV: Readonly<Record<string, string>> = {
  anthropic: 'ANTHROPIC_API_KEY',
};

/** Defaults for `provider` from `env`; empty variables count as unset. */
export function providerDefaults(provider: string, env: Env): ProviderDefaults {
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  switch (provider) {
    case 'openai':
      return {
        apiKey: get('OPENAI_API_KEY'),
        apiBase: get('OPENAI_API_BASE') ?? get('OPENAI_BASE_URL') ?? OPENAI_API_BASE,
        apiVersion: undefined,
      };
    case 'azure':
      return {
        apiKey: get('AZURE_API_KEY'),
        apiBase: get('AZURE_API_BASE'),
        apiVersion: get('AZURE_API_VERSION'),
      };
    case 'hosted_vllm':
      return {
        apiKey: get('HOSTED_VLLM_API_KEY'),
        apiBase: get('HOSTED_VLLM_API_BASE'),
        apiVersion: undefined,
      };
    case 'bedrock':
      // A Bedrock API key; SigV4 credentials and the region are resolved by aws-params.ts.
      return { apiKey: get('AWS_BEARER_TOKEN_BEDROCK'), apiBase: undefined, apiVersion: undefined };
    case 'gemini':
      // LiteLLM's order: GOOGLE_API_KEY first, then GEMINI_API_KEY.
      return {
        apiKey: get('GOOGLE_API_KEY') ?? get('GEMINI_API_KEY'),
        apiBase: get('GEMINI_API_BASE') ?? GEMINI_API_BASE,
        apiVersion: undefined,
      };
    case 'anthropic':
      return {
        apiKey: get('ANTHROPIC_API_KEY'),
        apiBase: get('ANTHROPIC_API_BASE') ?? get('ANTHROPIC_BASE_URL') ?? ANTHROPIC_API_BASE,
        apiVersion: undefined,
      };
    case 'ollama':
    case 'ollama_chat':
      return {
        apiKey: get('OLLAMA_API_KEY'),
        apiBase: get('OLLAMA_API_BASE') ?? OLLAMA_API_BASE,
        apiVersion: undefined,
      };
    case 'huggingface':
      return {
        apiKey: get('HF_TOKEN') ?? get('HUGGINGFACE_API_KEY'),
        apiBase: get('HF_API_BASE') ?? get('HUGGINGFACE_API_BASE'),
        apiVersion: undefined,
      };
    default: {
      // vertex_ai: its project, location and credentials are read by google-params.ts.
      const preset = compatibleProvider(provider);
      if (preset === undefined)
        return { apiKey: undefined, apiBase: undefined, apiVersion: undefined };
      return {
        apiKey: firstSet(preset.apiKeyEnv, get),
        apiBase: firstSet(preset.apiBaseEnv, get) ?? preset.apiBase,
        apiVersion: undefined,
      };
    }
  }
}

/** The value of the first of `names` that is set. */
function firstSet(
  names: readonly string[],
  get: (name: string) => string | undefined,
): string | undefined {
  for (const name of names) {
    const value = get(name);
    if (value !== undefined) return value;
  }
  return undefined;
}
