import { createHttpProvider } from '../http-provider.ts';
import { runProviderConformance } from '../testing/provider-conformance.ts';
import { googleConformanceAnswer } from './fixtures/conformance-answers.ts';
import { geminiDeployment } from './fixtures/fixtures.ts';
import { createGoogleCodec } from './google-codec.ts';

runProviderConformance({
  name: 'gemini',
  createProvider: (transport) => createHttpProvider(createGoogleCodec(), transport),
  deployment: (apiBase) => geminiDeployment({ apiBase }),
  answer: (scenario) => googleConformanceAnswer(scenario),
});
