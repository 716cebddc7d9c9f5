import type { Clock } from '../core/clock.ts';
import { createAnthropicCodec } from './anthropic/anthropic-codec.ts';
import { createAzureCodec } from './azure/azure-codec.ts';
import { createBedrockCodec } from './bedrock/bedrock-codec.ts';
import { createGoogleCodec } from './gemini/google-codec.ts';
import { createVertexCodec } from './gemini/vertex-codec.ts';
import { createHttpProvider } from './http-provider.ts';
import { createHuggingfaceCodec } from './huggingface/huggingface-preset.ts';
import { createMockProvider } from './mock/mock-provider.ts';
import type { ProviderName } from './model-name.ts';
import { createOllamaCodec } from './ollama/ollama-codec.ts';
import { createCompatibleCodecs } from './openai-compatible/compatible-codecs.ts';
import { createOpenAICodec, HOSTED_VLLM_PRESET } from './openai/openai-codec.ts';
import type { Provider } from './provider.ts';
import { createHttpTransport } from './transport/http-transport.ts';
import type { Transport } from './transport/transport.ts';

/** Options of createProviderRegistry(). */
export interface ProviderRegistryOptions {
  /**
   * Carries every HTTP provider's calls (one connection pool per origin). Default: a new HTTP
   * transport that the registry owns and closes in close().
   */
  readonly transport?: Transport;
  /** The mock provider's clock (latency injection, `created`). */
  readonly clock: Clock;
  /** The mock provider's random source (failure injection). Default Math.random. */
  readonly random?: () => number;
}

/** The providers of this build, by the name `litellm_params.model` prefixes use. */
export interface ProviderRegistry {
  /** The provider called `name`, or undefined when this build has none by that name. */
  get(name: string): Provider | undefined;
  /** Closes the connection pools of the transport the registry created (not one passed in). */
  close(): Promise<void>;
}

/**
 * Every provider in PROVIDER_NAMES, created once and shared by all deployments: providers hold
 * no per-deployment state, the deployment travels with each request.
 */
export function createProviderRegistry(options: ProviderRegistryOptions): ProviderRegistry {
  const { clock, random } = options;
  const ownsTransport = options.transport === undefined;
  const transport = options.transport ?? createHttpTransport();
  // A Record over ProviderName: adding a name to PROVIDER_NAMES without a provider fails to compile.
  const providers: Readonly<Record<ProviderName, Provider>> = {
    openai: createHttpProvider(createOpenAICodec(), transport),
    azure: createHttpProvider(createAzureCodec(), transport),
    hosted_vllm: createHttpProvider(createOpenAICodec(HOSTED_VLLM_PRESET), transport),
    bedrock: createHttpProvider(createBedrockCodec(), transport),
    gemini: createHttpProvider(createGoogleCodec(), transport),
    vertex_ai: createHttpProvider(createVertexCodec({ transport }), transport),
    ollama: createHttpProvider(createOllamaCodec({ mode: 'generate' }), transport),
    ollama_chat: createHttpProvider(createOllamaCodec({ mode: 'chat' }), transport),
    huggingface: createHttpProvider(createHuggingfaceCodec(), transport),
    ...mapValues(createCompatibleCodecs(), (codec) => createHttpProvider(codec, transport)),
    mock: createMockProvider(random === undefined ? { clock } : { clock, random }),
    anthropic: createHttpProvider(createAnthropicCodec({ now: () => clock.now() }), transport),
  };
  const byName = new Map<string, Provider>(Object.entries(providers));
  return {
    get: (name) => byName.get(name),
    close: () => (ownsTransport ? transport.close() : Promise.resolve()),
  };
}

/** `record` with `fn` applied to every value, keys (and their type) kept. */
function mapValues<K extends string, A, B>(
  record: Record<K, A>,
  fn: (value: A) => B,
): Record<K, B> {
  const out = {} as Record<K, B>;
  for (const key of Object.keys(record) as K[]) out[key] = fn(record[key]);
  return out;
}
