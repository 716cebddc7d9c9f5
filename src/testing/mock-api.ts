/**
 * The OpenAI-compatible face of the mock upstream: routes, fault application and answers.
 * Kept allocation-light: no logging, no URL parsing, bodies built from pre-serialised parts.
 */
import type { ServerResponse } from 'node:http';
import type { JsonObject } from '../core/openai-types.ts';
import { type ErrorContext, openAiError } from './mock-errors.ts';
import { type Fault, faultAnswer, isErrorFault, streamErrorBody } from './mock-faults.ts';
import { isRecord, type RequestHandler, send } from './mock-http.ts';
import {
  type AcceptedRequest,
  answerAfterLatency,
  createRecordingHandler,
  playStreamFault,
  sendFaultAnswer,
  type StreamFraming,
} from './mock-pipeline.ts';
import type { MockState } from './mock-state.ts';
import {
  type CallMeta,
  chatCompletionJson,
  embeddingsJson,
  type Endpoint,
  modelsJson,
  promptTokens,
  type ReplyTemplate,
  SSE_DONE,
  sseFrames,
  streamChunks,
  textCompletionJson,
} from './mock-wire.ts';

interface Route {
  readonly endpoint: Endpoint;
  /** The `/v1/…` path every alias of the endpoint shares (what `Fault.paths` may name). */
  readonly canonical: string;
  /** Azure's deployment name from the path, the model when the body names none. */
  readonly deployment?: string;
}

/** One accepted request, with everything its answer needs fixed at arrival. */
interface Call {
  readonly route: Route;
  readonly body: JsonObject;
  readonly stream: boolean;
  readonly reply: ReplyTemplate;
  readonly meta: CallMeta;
  readonly error: ErrorContext;
}

const route = (endpoint: Endpoint, path: string): Route => ({ endpoint, canonical: `/v1/${path}` });
const CHAT = route('chat', 'chat/completions');
const COMPLETION = route('completion', 'completions');
const EMBEDDING = route('embedding', 'embeddings');
const MODELS = route('models', 'models');

const ROUTES: ReadonlyMap<string, Route> = new Map([
  ['/v1/chat/completions', CHAT],
  ['/chat/completions', CHAT],
  ['/v1/completions', COMPLETION],
  ['/completions', COMPLETION],
  ['/v1/embeddings', EMBEDDING],
  ['/embeddings', EMBEDDING],
  ['/v1/models', MODELS],
  ['/models', MODELS],
]);

/** `/openai/deployments/{deployment}/{operation}?api-version=…` (Azure OpenAI). */
const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;

const MALFORMED_JSON = JSON.stringify(
  openAiError(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't " +
      'using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was ' +
      'sent was not valid JSON.)',
    'invalid_request_error',
  ),
);

const NOT_AN_OBJECT = JSON.stringify(
  openAiError('The request body must be a JSON object.', 'invalid_request_error'),
);

const BAD_INPUT = JSON.stringify(
  openAiError(
    "Invalid 'input': expected a string, an array of strings, or an array of token arrays.",
    'invalid_request_error',
    'input',
  ),
);

function routeOf(method: string, path: string): Route | undefined {
  let found = ROUTES.get(path);
  if (found === undefined) {
    const azure = AZURE_PATH.exec(path);
    if (azure === null) return undefined;
    const base =
      azure[2] === 'chat/completions' ? CHAT : azure[2] === 'completions' ? COMPLETION : EMBEDDING;
    found = { ...base, deployment: decodeURIComponent(azure[1] ?? '') };
  }
  return method === (found.endpoint === 'models' ? 'GET' : 'POST') ? found : undefined;
}

function chunksOf(call: Call): string[] {
  const kind = call.route.endpoint === 'chat' ? 'chat' : 'completion';
  return streamChunks(kind, call.reply, call.meta);
}

/** The handler of every non-control request of one mock upstream. */
export function createApiHandler(state: MockState): RequestHandler {
  const ownHeaders: Readonly<Record<string, string>> = {
    'x-mock-upstream': encodeURIComponent(state.name),
  };
  const models = modelsJson(state.models, state.name, Math.floor(Date.now() / 1000));

  function accept(res: ServerResponse, { method, path, body }: AcceptedRequest): void {
    const found = routeOf(method, path);
    if (found === undefined) {
      const message = `Invalid URL (${method} ${path})`;
      send(res, 404, JSON.stringify(openAiError(message, 'invalid_request_error')), ownHeaders);
      return;
    }
    if (found.endpoint !== 'models' && !isRecord(body)) {
      send(res, 400, NOT_AN_OBJECT, ownHeaders);
      return;
    }
    const call = createCall(found, isRecord(body) ? body : {});
    const fault =
      state.faults.size() === 0 ? undefined : state.faults.take(path, found.canonical, call.stream);
    answerAfterLatency(state, res, fault, (applied) => answer(res, call, applied));
  }

  function createCall(found: Route, body: JsonObject): Call {
    const model = typeof body.model === 'string' ? body.model : (found.deployment ?? state.name);
    const tokens = promptTokens(found.endpoint, body);
    const options = body.stream_options;
    const meta: CallMeta = {
      id: state.nextId(),
      created: Math.floor(Date.now() / 1000),
      modelJson: JSON.stringify(model),
      promptTokens: tokens,
      includeUsage: isRecord(options) && options.include_usage === true,
    };
    const stream =
      body.stream === true && (found.endpoint === 'chat' || found.endpoint === 'completion');
    const error = { model, promptTokens: tokens };
    return { route: found, body, stream, reply: state.reply, meta, error };
  }

  function answer(res: ServerResponse, call: Call, fault: Fault | undefined): void {
    if (res.destroyed) return;
    if (fault !== undefined && call.stream) {
      if (playStreamFault(state, res, fault, framing(res, call, fault))) return;
    }
    if (fault !== undefined && isErrorFault(fault)) {
      return sendFaultAnswer(res, faultAnswer(fault, call.error), ownHeaders);
    }
    const headers = fault?.headers ? { ...ownHeaders, ...fault.headers } : ownHeaders;
    const { reply, meta } = call;
    switch (call.route.endpoint) {
      case 'chat':
      case 'completion':
        if (call.stream) {
          startStream(res, fault);
          res.end(sseFrames(chunksOf(call)) + SSE_DONE);
        } else {
          const json = call.route.endpoint === 'chat' ? chatCompletionJson : textCompletionJson;
          send(res, 200, json(reply, meta), headers);
        }
        return;
      case 'embedding': {
        const json = embeddingsJson(call.body, meta.modelJson);
        send(res, json === undefined ? 400 : 200, json ?? BAD_INPUT, headers);
        return;
      }
      case 'models':
        send(res, 200, models, headers);
    }
  }

  function startStream(res: ServerResponse, fault: Fault | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...ownHeaders,
      ...fault?.headers,
    });
  }

  /** OpenAI's framing: `data:` events, an error object as the last event, `[DONE]` to end. */
  function framing(res: ServerResponse, call: Call, fault: Fault): StreamFraming {
    return {
      start: () => startStream(res, fault),
      frames: () => chunksOf(call).map((chunk) => sseFrames([chunk])),
      errorFrame: () => `data: ${JSON.stringify(streamErrorBody(fault, call.error))}\n\n`,
      // A released stall ends the stream without the chunks it held back.
      release: () => SSE_DONE,
    };
  }

  return createRecordingHandler(state, accept, (res) => send(res, 400, MALFORMED_JSON, ownHeaders));
}
