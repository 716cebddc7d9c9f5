import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { createInferenceHandler, type InferenceRoute } from './inference.ts';

/** `POST /v1/embeddings`, its alias and the Azure-style path. Never streamed. */
export function registerEmbeddingRoutes(app: FastifyInstance, context: ServerContext): void {
  const routeOptions = { onRequest: context.guard };
  const handler = createInferenceHandler('embedding', context);
  app.post<InferenceRoute>('/v1/embeddings', routeOptions, handler);
  app.post<InferenceRoute>('/embeddings', routeOptions, handler);
  app.post<InferenceRoute>(
    '/openai/deployments/:model/embeddings',
    routeOptions,
    createInferenceHandler('embedding', context, 'path'),
  );
}
