export { createFakeClock, type FakeClock } from './fake-clock.ts';
export { seededRandom } from './seeded-random.ts';
export { type FaultKind, type OpenAiErrorBody } from './mock-errors.ts';
export { type Fault } from './mock-faults.ts';
export { type CapturedRequest, type MockUpstreamHits } from './mock-state.ts';
export { type MockUpstream, type MockUpstreamOptions, startMockUpstream } from './mock-upstream.ts';
export { type MockCommandOptions, runMockUpstreamCommand } from './mock-command.ts';
export {
  type BedrockCall,
  type BedrockFault,
  MOCK_AWS_CREDENTIALS,
  type MockAwsCredentials,
  type MockBedrock,
  type MockBedrockOptions,
  startMockBedrock,
} from './mock-bedrock.ts';
export {
  type GeminiCapturedRequest,
  type GeminiFault,
  type GeminiRoute,
  type MockGemini,
  type MockGeminiOptions,
  startMockGemini,
} from './mock-gemini.ts';
export { createTestServiceAccount, type TestServiceAccount } from './google-service-account.ts';
export { ANTHROPIC_MESSAGES_PATH, startMockAnthropic } from './mock-anthropic.ts';
export { type AnthropicErrorBody } from './mock-anthropic-wire.ts';
export {
  type MockOllama,
  type OllamaFault,
  type OllamaRequest,
  startMockOllama,
} from './mock-ollama.ts';
