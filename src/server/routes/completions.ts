import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { createInferenceHandler, type InferenceRoute } from './inference.ts';

/** `POST /v1/completions` (legacy text completions), its alias and the Azure-style path. */
export function registerCompletionRoutes(app: FastifyInstance, context: ServerContext): void {
  const routeOptions = { onRequest: context.guard };
  const handler = createInferenceHandler('completion', context);
  app.post<InferenceRoute>('/v1/completions', routeOptions, handler);
  app.post<InferenceRoute>('/completions', routeOptions, handler);
  app.post<InferenceRoute>(
    '/openai/deployments/:model/completions',
    routeOptions,
    createInferenceHandler('completion', context, 'path'),
  );
}
