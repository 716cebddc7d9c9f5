import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operation } from '../../core/openai-types.ts';
import { sourceTextOf } from '../../core/source-text.ts';
import { clientAbortSignal } from '../client-abort.ts';
import { isJsonObject, validateRequestBody } from '../request-validation.ts';
import { successHeaders } from '../response-headers.ts';
import type { ServerContext } from '../server-context.ts';
import { writeSseResponse } from '../sse-response.ts';
import { writeJson } from '../write-json.ts';

export interface InferenceRoute {
  Body: unknown;
  Params: { model?: string };
}

/** `{model}` in Azure-style paths (`/openai/deployments/{model}/...`) names the group. */
export type ModelSource = 'body' | 'path';

/**
 * The handler shared by chat, completion and embedding routes: validate, call the engine, write
 * the answer. Streams (chat and completion with `stream: true`) go out as SSE. Errors are thrown
 * to the one error handler. Built once per route family; per request only the abort listener is
 * a new closure.
 */
export function createInferenceHandler(
  operation: Operation,
  context: ServerContext,
  modelSource: ModelSource = 'body',
): (request: FastifyRequest<InferenceRoute>, reply: FastifyReply) => Promise<FastifyReply> {
  const { engine, clock, models, lifecycle, clientStallTimeoutMs } = context;
  const streams = operation !== 'embedding';

  return async function handleInference(request, reply) {
    const raw = request.body;
    if (modelSource === 'path' && isJsonObject(raw) && request.params.model !== undefined) {
      raw.model = request.params.model;
    }
    const body = validateRequestBody(operation, raw, models);
    const signal = clientAbortSignal(reply.raw);

    if (streams && body.stream === true) {
      const stream = await engine.routeStream(operation, body, {
        signal,
        headers: request.headers,
        // The SSE writer sends each chunk's text and reads no field of it.
        forwardChunks: true,
      });
      await writeSseResponse(reply, stream, {
        now: clock.now(),
        log: request.log,
        closing: lifecycle.isDraining(),
        clock,
        clientStallTimeoutMs,
      });
      return reply;
    }
    const result = await engine.route(operation, body, { signal, headers: request.headers });
    // An answer that came through unchanged is sent as the text it came in: no re-serialising.
    const text = sourceTextOf(result.body) ?? JSON.stringify(result.body);
    const headers = successHeaders(result.meta, result.upstreamHeaders, clock.now());
    if (lifecycle.isDraining()) headers.push('connection', 'close');
    return writeJson(reply, 200, headers, text);
  };
}
