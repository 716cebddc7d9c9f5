/**
 * Azure OpenAI: OpenAI's wire format behind per-deployment URLs and an `api-key` header
 * (https://learn.microsoft.com/azure/ai-services/openai/reference). A preset of the OpenAI
 * codec, not a copy. Azure's content filter rejects prompts with a 400 whose code is
 * `content_filter`; the shared error mapping already reads that as a content-policy violation.
 */
import type { Deployment } from '../../core/deployment.ts';
import { createOpenAICodec, OPENAI_PRESET, requireApiBase } from '../openai/openai-codec.ts';
import type {
  LabelledHttpCodec,
  OpenAICodecOptions,
  OpenAICompatiblePreset,
} from '../openai/openai-codec.ts';

/** The GA data-plane API version used when a deployment sets no `api_version`. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/**
 * `{api_base}/openai/deployments/{deployment}{path}?api-version=…`. An `api_base` that already
 * ends in `/openai` (a common copy from the portal) is not doubled.
 */
export function azureUrl(deployment: Deployment, path: string): string {
  const base = requireApiBase(deployment, 'azure').replace(/\/openai$/, '');
  const name = encodeURIComponent(deployment.upstreamModel);
  const version = encodeURIComponent(deployment.apiVersion ?? AZURE_DEFAULT_API_VERSION);
  return `${base}/openai/deployments/${name}${path}?api-version=${version}`;
}

/** Azure OpenAI's differences from OpenAI: URL, credential header, error label. */
export const AZURE_PRESET: OpenAICompatiblePreset = {
  ...OPENAI_PRESET,
  name: 'azure',
  errorLabel: 'AzureException',
  url: azureUrl,
  authHeaders: (apiKey) => ({ 'api-key': apiKey }),
};

/** The Azure OpenAI codec. `now` overrides the wall clock (Retry-After dates) in tests. */
export function createAzureCodec(options: Pick<OpenAICodecOptions, 'now'> = {}): LabelledHttpCodec {
  return createOpenAICodec({ ...AZURE_PRESET, ...options });
}
