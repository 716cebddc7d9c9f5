import { createTestServiceAccount } from '../../testing/google-service-account.ts';
import { createHttpProvider } from '../http-provider.ts';
import { runProviderConformance } from '../testing/provider-conformance.ts';
import { googleConformanceAnswer } from './fixtures/conformance-answers.ts';
import { vertexDeployment } from './fixtures/fixtures.ts';
import { createVertexCodec } from './vertex-codec.ts';

runProviderConformance({
  name: 'vertex_ai',
  createProvider: (transport) => createHttpProvider(createVertexCodec({ transport }), transport),
  deployment: (apiBase) =>
    vertexDeployment(createTestServiceAccount(`${apiBase}/token`).json, { apiBase }),
  answer(scenario, request) {
    // The same loopback server mints the OAuth token the model calls then carry.
    if (request.url === '/token') {
      const token = { access_token: 'ya29.conformance', expires_in: 3600, token_type: 'Bearer' };
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(token),
      };
    }
    if (scenario === 'auth') {
      return {
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          error: {
            code: 401,
            message: 'Request had invalid authentication credentials.',
            status: 'UNAUTHENTICATED',
          },
        }),
      };
    }
    return googleConformanceAnswer(scenario);
  },
});
