/**
 * The rows of COMPATIBLE_PROVIDERS as OpenAI codec presets: same body, response, stream and
 * error handling as OpenAI; only the base URL and the exception label differ.
 */
import type { Deployment } from '../../core/deployment.ts';
import { createOpenAICodec, OPENAI_PRESET, requireApiBase } from '../openai/openai-codec.ts';
import type { LabelledHttpCodec, OpenAICompatiblePreset } from '../openai/openai-codec.ts';
import {
  COMPATIBLE_PROVIDERS,
  type CompatibleProviderName,
  type CompatibleProviderSpec,
} from './compatible-presets.ts';

/**
 * The preset of one table row. The deployment's `api_base` (config, else the provider's
 * `*_API_BASE` variable, else the row's default, all resolved at start-up) wins; a provider
 * without a public endpoint needs one.
 */
export function compatiblePreset(spec: CompatibleProviderSpec): OpenAICompatiblePreset {
  const base = (deployment: Deployment): string =>
    deployment.apiBase ?? spec.apiBase ?? requireApiBase(deployment, spec.name);
  return {
    ...OPENAI_PRESET,
    name: spec.name,
    errorLabel: spec.errorLabel,
    url: (deployment, path) => `${base(deployment)}${path}`,
  };
}

/** One codec per table row, by provider name. */
export function createCompatibleCodecs(): Record<CompatibleProviderName, LabelledHttpCodec> {
  const codecs = {} as Record<CompatibleProviderName, LabelledHttpCodec>;
  for (const spec of COMPATIBLE_PROVIDERS)
    codecs[spec.name] = createOpenAICodec(compatiblePreset(spec));
  return codecs;
}
