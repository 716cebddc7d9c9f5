import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { createInferenceHandler, type InferenceRoute } from './inference.ts';

/** `POST /v1/chat/completions`, its unversioned alias, and the Azure-style deployment path. */
export function registerChatRoutes(app: FastifyInstance, context: ServerContext): void {
  const routeOptions = { onRequest: context.guard };
  const handler = createInferenceHandler('chat', context);
  app.post<InferenceRoute>('/v1/chat/completions', routeOptions, handler);
  app.post<InferenceRoute>('/chat/completions', routeOptions, handler);
  app.post<InferenceRoute>(
    '/openai/deployments/:model/chat/completions',
    routeOptions,
    createInferenceHandler('chat', context, 'path'),
  );
}
