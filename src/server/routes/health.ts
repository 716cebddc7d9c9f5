import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';

const JSON_TYPE = 'application/json; charset=utf-8';
/** LiteLLM answers liveness with this JSON string; probes and scripts match on it. */
const ALIVE = JSON.stringify("I'm alive!");

/**
 * Probes. Liveness and readiness stay open (orchestrators call them without a key); `GET
 * /health` makes a real call to every deployment and sits behind the master key, as in
 * LiteLLM. Readiness is 503 until markReady() and again from the start of a drain.
 */
export function registerHealthRoutes(app: FastifyInstance, context: ServerContext): void {
  const { lifecycle, engine, version } = context;
  // LiteLLM's readiness keys that mean something here. `cache` is the shared state store:
  // 'degraded' still answers 200, since the instance serves on local state.
  const answers = new Map<string, string>();
  const readinessJson = (ready: boolean, cache: string): string => {
    const key = `${ready}:${cache}`;
    let json = answers.get(key);
    if (json === undefined) {
      json = JSON.stringify({ status: ready ? 'healthy' : 'unhealthy', cache, version });
      answers.set(key, json);
    }
    return json;
  };

  for (const path of ['/health/liveliness', '/health/liveness']) {
    app.get(path, (_request, reply) => reply.type(JSON_TYPE).send(ALIVE));
  }
  app.get('/health/readiness', (_request, reply) => {
    const ready = lifecycle.isReady();
    const cache = engine.stateStatus?.() ?? 'none';
    return reply
      .code(ready ? 200 : 503)
      .type(JSON_TYPE)
      .send(readinessJson(ready, cache));
  });
  app.get('/health', { onRequest: context.guard }, () => engine.health());
}
