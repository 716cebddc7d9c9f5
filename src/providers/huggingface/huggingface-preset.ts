/**
 * Hugging Face Text Generation Inference (TGI) and Inference Endpoints through their
 * OpenAI-compatible Messages API (https://huggingface.co/docs/text-generation-inference/messages_api):
 * a preset of the OpenAI codec, not a copy. TGI rejects an oversized prompt with a 422 whose
 * `error` reads "Input validation error: `inputs` must have less than N tokens"; the shared
 * OpenAI error mapping already reads that as a context-window error, and TGI's 429 "Model is
 * overloaded" is a rate limit by its status.
 */
import type { Deployment } from '../../core/deployment.ts';
import { createOpenAICodec, OPENAI_PRESET, requireApiBase } from '../openai/openai-codec.ts';
import type {
  LabelledHttpCodec,
  OpenAICodecOptions,
  OpenAICompatiblePreset,
} from '../openai/openai-codec.ts';

/**
 * The URL of `path` (e.g. `/chat/completions`) under a deployment's `api_base`, as LiteLLM builds
 * it: a base that already ends with the path is used as is, one ending in `/v1` gets the path, and
 * any other (a TGI server root, an Inference Endpoint URL) gets `/v1` and the path.
 */
export function huggingfaceUrl(deployment: Deployment, path: string): string {
  const base = requireApiBase(deployment, 'huggingface').replace(/\/+$/, '');
  if (base.endsWith(path)) return base;
  if (base.endsWith('/v1')) return `${base}${path}`;
  return `${base}/v1${path}`;
}

/** TGI's differences from OpenAI: the URL rule and the exception label. */
export const HUGGINGFACE_PRESET: OpenAICompatiblePreset = {
  ...OPENAI_PRESET,
  name: 'huggingface',
  errorLabel: 'HuggingfaceException',
  url: huggingfaceUrl,
};

/** The Hugging Face (TGI) codec. `now` overrides the wall clock (Retry-After dates) in tests. */
export function createHuggingfaceCodec(
  options: Pick<OpenAICodecOptions, 'now'> = {},
): LabelledHttpCodec {
  return createOpenAICodec({ ...HUGGINGFACE_PRESET, ...options });
}
