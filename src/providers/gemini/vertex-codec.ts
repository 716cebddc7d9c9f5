/**
 * Vertex AI's Gemini models: the Gemini codec behind Vertex's per-project URLs and an OAuth
 * bearer token (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest). Config
 * compilation resolves the project, location, credentials and the regional `api_base`.
 */
import type { Deployment } from '../../core/deployment.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Transport } from '../transport/transport.ts';
import { createGoogleCodec, type GoogleCodec, type GoogleCodecOptions } from './google-codec.ts';
import { createVertexTokenSource } from './vertex-auth.ts';

/** LiteLLM's exception label for Vertex AI. */
export const VERTEX_ERROR_LABEL = 'VertexAIException';

/**
 * `{api_base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}`.
 * An `api_base` already ending in `/v1` is not doubled.
 */
export function vertexUrl(deployment: Deployment, method: string): string {
  const { vertex_project: project, vertex_location: location } = deployment.extra;
  if (
    typeof project !== 'string' ||
    typeof location !== 'string' ||
    deployment.apiBase === undefined
  ) {
    throw new GatewayError(
      'GatewayInternalError',
      `Deployment ${deployment.id} (vertex_ai) lacks its project, location or api_base`,
      { deploymentId: deployment.id },
    );
  }
  const base = deployment.apiBase.replace(/\/v1$/, '');
  const [p, l, m] = [project, location, deployment.upstreamModel].map(encodeURIComponent);
  return `${base}/v1/projects/${p}/locations/${l}/publishers/google/models/${m}:${method}`;
}

/** Options of createVertexCodec(). */
export interface VertexCodecOptions extends GoogleCodecOptions {
  /** Carries the OAuth token requests (the same transport as the model calls). */
  readonly transport: Transport;
}

/** The Vertex AI codec: one auth client per deployment, built when the router prepares it. */
export function createVertexCodec(options: VertexCodecOptions): GoogleCodec {
  const tokens = createVertexTokenSource({
    transport: options.transport,
    label: VERTEX_ERROR_LABEL,
  });
  return createGoogleCodec(
    {
      name: 'vertex_ai',
      errorLabel: VERTEX_ERROR_LABEL,
      url: vertexUrl,
      embeddingMethod: 'predict',
      prepare: (deployment) => tokens.prepare(deployment),
      authHeaders: async ({ deployment, signal }) => ({
        authorization: await tokens.authorization(deployment, signal),
      }),
    },
    options,
  );
}
