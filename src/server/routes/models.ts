import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ServerContext } from '../server-context.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

interface ModelEntry {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: 'switchyard';
}

/**
 * `GET /v1/models` (and `/models`): the groups clients may ask for, in OpenAI's list shape.
 * The list is fixed at start-up, so its JSON is serialised once. `GET /v1/models/{id}` answers
 * one entry, or 404.
 */
export function registerModelRoutes(app: FastifyInstance, context: ServerContext): void {
  const entries = new Map<string, string>();
  const data: ModelEntry[] = context.models.names.map((id) => {
    const entry: ModelEntry = {
      id,
      object: 'model',
      created: context.startedAtSeconds,
      owned_by: 'switchyard',
    };
    entries.set(id, JSON.stringify(entry));
    return entry;
  });
  const listJson = JSON.stringify({ object: 'list', data });
  const routeOptions = { onRequest: context.guard };

  for (const path of ['/v1/models', '/models']) {
    app.get(path, routeOptions, (_request, reply) => reply.type(JSON_TYPE).send(listJson));
    app.get<{ Params: { model: string } }>(`${path}/:model`, routeOptions, (request, reply) => {
      const entry = entries.get(request.params.model);
      if (entry === undefined) {
        throw new GatewayError(
          'NotFoundError',
          `The model '${request.params.model}' does not exist.`,
          {
            param: 'model',
          },
        );
      }
      return reply.type(JSON_TYPE).send(entry);
    });
  }
}
