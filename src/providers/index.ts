/** The providers' public surface: the registry, the transport, codecs and SSE framing. */
export { createProviderRegistry } from './registry.ts';
export type { ProviderRegistry, ProviderRegistryOptions } from './registry.ts';
export { createHttpProvider, ERROR_BODY_LIMIT_BYTES } from './http-provider.ts';
export { createHttpTransport } from './transport/http-transport.ts';
export type { HttpTransportOptions } from './transport/http-transport.ts';
export type { HttpResponse, Transport } from './transport/transport.ts';
export { formatSseData, readSseEvents, SSE_DONE } from './transport/sse.ts';
export { MAX_NDJSON_LINE_CHARS, readNdjsonEvents } from './transport/ndjson.ts';
export type { NdjsonOptions } from './transport/ndjson.ts';
export {
  createOpenAICodec,
  HOSTED_VLLM_PRESET,
  OPENAI_API_BASE,
  OPENAI_PRESET,
} from './openai/openai-codec.ts';
export type {
  LabelledHttpCodec,
  OpenAICodecOptions,
  OpenAICompatiblePreset,
} from './openai/openai-codec.ts';
export { GATEWAY_ONLY_FIELDS, GATEWAY_ONLY_PREFIX, toUpstreamBody } from './openai/request-body.ts';
export { AZURE_DEFAULT_API_VERSION, AZURE_PRESET, createAzureCodec } from './azure/azure-codec.ts';
export { createBedrockCodec } from './bedrock/bedrock-codec.ts';
export type { BedrockCodec, BedrockCodecOptions } from './bedrock/bedrock-codec.ts';
export { encodeAwsEvent, readAwsEventStream } from './transport/aws-event-stream.ts';
export type { EventStreamMessage } from './transport/aws-event-stream.ts';
export {
  ANTHROPIC_API_BASE,
  ANTHROPIC_VERSION,
  createAnthropicCodec,
  messagesUrl,
} from './anthropic/anthropic-codec.ts';
export type { AnthropicCodec, AnthropicCodecOptions } from './anthropic/anthropic-codec.ts';
export { DEFAULT_ANTHROPIC_MAX_TOKENS } from './anthropic/request-body.ts';
export { createOllamaCodec, OLLAMA_API_BASE, ollamaUrl } from './ollama/ollama-codec.ts';
export type { OllamaCodec, OllamaCodecOptions, OllamaMode } from './ollama/ollama-codec.ts';
export {
  createHuggingfaceCodec,
  HUGGINGFACE_PRESET,
  huggingfaceUrl,
} from './huggingface/huggingface-preset.ts';
export {
  COMPATIBLE_PROVIDER_NAMES,
  COMPATIBLE_PROVIDERS,
  compatibleProvider,
} from './openai-compatible/compatible-presets.ts';
export type {
  CompatibleProviderName,
  CompatibleProviderSpec,
} from './openai-compatible/compatible-presets.ts';
export { compatiblePreset, createCompatibleCodecs } from './openai-compatible/compatible-codecs.ts';
export { createMockProvider, DEFAULT_MOCK_RESPONSE } from './mock/mock-provider.ts';
export type { MockProviderOptions } from './mock/mock-provider.ts';
export { isProviderName, parseModelRef, PROVIDER_NAMES } from './model-name.ts';
export type { ModelRef, ProviderName } from './model-name.ts';
export type {
  HttpCall,
  HttpCodec,
  Provider,
  ProviderRequest,
  ProviderResponse,
  ProviderStream,
  SseEvent,
  StreamDecoder,
  UpstreamFailure,
  UpstreamHeaders,
} from './provider.ts';
export {
  createGoogleCodec,
  GEMINI_API_BASE,
  GEMINI_PRESET,
  geminiUrl,
} from './gemini/google-codec.ts';
export type { GoogleCodec, GoogleCodecOptions, GooglePreset } from './gemini/google-codec.ts';
export { createVertexCodec, VERTEX_ERROR_LABEL, vertexUrl } from './gemini/vertex-codec.ts';
export type { VertexCodecOptions } from './gemini/vertex-codec.ts';
