/**
 * Splits LiteLLM's `litellm_params.model` ("azure/my-gpt4", "openai/gpt-4o", "gpt-4o",
 * "claude-3-5-sonnet-20241022") into the
 * provider that serves it and the model name sent upstream.
 */

import { COMPATIBLE_PROVIDER_NAMES } from './openai-compatible/compatible-presets.ts';

/** Providers this build can serve. OpenAI-compatible servers are presets of `openai`. */
export const PROVIDER_NAMES = [
  'openai',
  'azure',
  'hosted_vllm',
  'bedrock',
  'gemini',
  'vertex_ai',
  'anthropic',
  'ollama',
  'ollama_chat',
  'huggingface',
  ...COMPATIBLE_PROVIDER_NAMES,
  'mock',
] as const;

export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ModelRef {
  readonly provider: string;
  readonly upstreamModel: string;
}

/** Bare model names LiteLLM routes to OpenAI without a prefix. */
const BARE_OPENAI_MODEL =
  /^(gpt-|o[1-9](-|$)|chatgpt-|text-embedding-|text-davinci|davinci|babbage|omni-moderation|text-moderation)/;

/** Bare model names LiteLLM routes to Anthropic without a prefix (its `anthropic_models` are all Claude). */
const BARE_ANTHROPIC_MODEL = /^claude-/;

/**
 * The provider and upstream model for `model`, or undefined when the prefix is unknown (the
 * caller names the key and lists PROVIDER_NAMES). Only the first `/` splits: Hugging Face ids
 * such as `hosted_vllm/meta-llama/Llama-3-8B` keep the rest intact.
 */
export function parseModelRef(model: string): ModelRef | undefined {
  const slash = model.indexOf('/');
  if (slash > 0) {
    const provider = model.slice(0, slash);
    const upstreamModel = model.slice(slash + 1);
    if (!isProviderName(provider) || upstreamModel === '') return undefined;
    return { provider, upstreamModel };
  }
  if (BARE_OPENAI_MODEL.test(model)) return { provider: 'openai', upstreamModel: model };
  if (BARE_ANTHROPIC_MODEL.test(model)) return { provider: 'anthropic', upstreamModel: model };
  return undefined;
}

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}
