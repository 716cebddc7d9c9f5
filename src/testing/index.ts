export { createFakeClock, type FakeClock } from './fake-clock.ts';
export { type FaultKind, type OpenAiErrorBody } from './mock-errors.ts';
export { type Fault } from './mock-faults.ts';
export { type CapturedRequest, type MockUpstreamHits } from './mock-state.ts';
export { type MockUpstream, type MockUpstreamOptions, startMockUpstream } from './mock-upstream.ts';
export { type MockCommandOptions, runMockUpstreamCommand } from './mock-command.ts';
export {
  type MockOllama,
  type OllamaFault,
  type OllamaRequest,
  startMockOllama,
} from './mock-ollama.ts';
