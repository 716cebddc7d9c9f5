/**
 * The conformance suite for the OpenAI-compatible presets. They share one codec and differ only
 * in configuration (tested for every row in compatible-presets.test.ts), so one run, on groq,
 * covers the codec.
 */
import { createHttpProvider } from '../http-provider.ts';
import { testDeployment } from '../openai/fixtures/fixtures.ts';
import { runProviderConformance } from '../testing/provider-conformance.ts';
import { createCompatibleCodecs } from './compatible-codecs.ts';
import { openAIWireAnswer } from './openai-wire-answers.ts';

runProviderConformance({
  name: 'groq (OpenAI-compatible preset)',
  createProvider: (transport) => createHttpProvider(createCompatibleCodecs().groq, transport),
  deployment: (apiBase) =>
    testDeployment({ provider: 'groq', upstreamModel: 'llama-3.1-8b-instant', apiBase }),
  answer: (scenario) => openAIWireAnswer(scenario),
});
