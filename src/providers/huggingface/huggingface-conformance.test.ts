/** The conformance suite for Hugging Face TGI (the OpenAI codec behind the TGI preset). */
import { createHttpProvider } from '../http-provider.ts';
import { testDeployment } from '../openai/fixtures/fixtures.ts';
import { openAIWireAnswer } from '../openai-compatible/openai-wire-answers.ts';
import { runProviderConformance } from '../testing/provider-conformance.ts';
import { createHuggingfaceCodec } from './huggingface-preset.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };

runProviderConformance({
  name: 'huggingface',
  createProvider: (transport) => createHttpProvider(createHuggingfaceCodec(), transport),
  deployment: (apiBase) =>
    testDeployment({ provider: 'huggingface', upstreamModel: 'tgi', apiBase }),
  answer: (scenario) =>
    openAIWireAnswer(scenario, {
      // TGI's own error bodies: `{"error": "...", "error_type": "..."}`.
      'rate-limit': {
        status: 429,
        headers: JSON_HEADERS,
        body: JSON.stringify({ error: 'Model is overloaded', error_type: 'overloaded' }),
      },
      'context-window': {
        status: 422,
        headers: JSON_HEADERS,
        body: JSON.stringify({
          error: 'Input validation error: `inputs` must have less than 4096 tokens. Given: 5120',
          error_type: 'validation',
        }),
      },
    }),
});
