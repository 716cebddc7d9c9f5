/**
 * A fake Anthropic Messages API on a real loopback socket: `POST /v1/messages` (whole answers
 * and SSE streams), `GET /v1/models`, with the same faults, counters, captures and control API
 * as the OpenAI-wire mock (startMockUpstream), so tests, the demo and `switchyard mock` can put
 * an Anthropic deployment next to OpenAI ones. It checks what the real API insists on (a key,
 * `anthropic-version`, `max_tokens`, no `system` role inside `messages`), so a codec that
 * forgets one fails here as it would against Anthropic.
 */
import type { ServerResponse } from 'node:http';
import type { JsonObject } from '../core/openai-types.ts';
import {
  type AnthropicCallMeta,
  anthropicError,
  anthropicFaultAnswer,
  messageJson,
  streamErrorFrame,
  streamFrames,
} from './mock-anthropic-wire.ts';
import type { ErrorContext } from './mock-errors.ts';
import { type Fault, isErrorFault } from './mock-faults.ts';
import { isRecord, type RequestHandler, send } from './mock-http.ts';
import {
  type AcceptedRequest,
  answerAfterLatency,
  createRecordingHandler,
  playStreamFault,
  sendFaultAnswer,
} from './mock-pipeline.ts';
import type { MockState } from './mock-state.ts';
import {
  type MockUpstream,
  type MockUpstreamOptions,
  type MockWire,
  startMockServer,
} from './mock-upstream.ts';
import { promptTokens, type ReplyTemplate } from './mock-wire.ts';

/** The path every request of this mock's one endpoint uses (what `Fault.paths` may name). */
export const ANTHROPIC_MESSAGES_PATH = '/v1/messages';

const DEFAULT_MODELS: readonly string[] = [
  'claude-3-5-sonnet-20241022',
  'claude-3-5-haiku-20241022',
  'claude-sonnet-4-20250514',
];

const ANTHROPIC_WIRE: MockWire = {
  createApi: createAnthropicApiHandler,
  // Anthropic's api_base has no /v1: https://api.anthropic.com.
  basePath: '',
  defaultModels: DEFAULT_MODELS,
};

/**
 * Starts an Anthropic-wire mock; `baseUrl` is what an `anthropic/` deployment's `api_base`
 * points at. Every option and method is that of startMockUpstream(); a fault's `kind:
 * 'overloaded'` answers Anthropic's 529 `overloaded_error`.
 */
export function startMockAnthropic(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  return startMockServer(options, ANTHROPIC_WIRE);
}

/** One accepted request, with everything its answer needs fixed at arrival. */
interface Call {
  readonly stream: boolean;
  readonly reply: ReplyTemplate;
  readonly meta: AnthropicCallMeta;
  readonly error: ErrorContext;
}

/** The handler of every non-control request of one Anthropic-wire mock. */
export function createAnthropicApiHandler(state: MockState): RequestHandler {
  const ownHeaders = { 'x-mock-upstream': encodeURIComponent(state.name) };
  const reject = (res: ServerResponse, status: number, type: string, message: string): void =>
    send(res, status, JSON.stringify(anthropicError(type, message)), ownHeaders);

  function accept(res: ServerResponse, req: AcceptedRequest): void {
    const { path, body } = req;
    if (req.method === 'GET' && path === '/v1/models') {
      const data = state.models.map((id) => ({ type: 'model', id, display_name: id }));
      send(res, 200, JSON.stringify({ data, has_more: false }), ownHeaders);
      return;
    }
    if (req.method !== 'POST' || path !== ANTHROPIC_MESSAGES_PATH) {
      reject(res, 404, 'not_found_error', `Not found (${req.method} ${path})`);
      return;
    }
    const problem = checkRequest(req.headers, body);
    if (problem !== undefined) {
      reject(res, problem.status, problem.type, problem.message);
      return;
    }
    const call = createCall(body as JsonObject);
    const fault =
      state.faults.size() === 0 ? undefined : state.faults.take(path, path, call.stream);
    answerAfterLatency(state, res, fault, (applied) => answer(res, call, applied));
  }

  function createCall(body: JsonObject): Call {
    const model = typeof body.model === 'string' ? body.model : state.name;
    const inputTokens = promptTokens('chat', { messages: [body.system, body.messages] });
    const meta = { id: state.nextId(), model, inputTokens };
    const error = { model, promptTokens: inputTokens };
    return { stream: body.stream === true, reply: state.reply, meta, error };
  }

  function answer(res: ServerResponse, call: Call, fault: Fault | undefined): void {
    if (res.destroyed) return;
    if (fault !== undefined && call.stream) {
      const played = playStreamFault(state, res, fault, {
        start: () => startStream(res, fault),
        frames: () => streamFrames(call.reply, call.meta),
        errorFrame: () => streamErrorFrame(fault, call.error),
        // A released stall finishes the message it held back.
        release: (rest) => rest.join(''),
      });
      if (played) return;
    }
    if (fault !== undefined && isErrorFault(fault)) {
      return sendFaultAnswer(res, anthropicFaultAnswer(fault, call.error), ownHeaders);
    }
    if (call.stream) {
      startStream(res, fault);
      res.end(streamFrames(call.reply, call.meta).join(''));
      return;
    }
    send(res, 200, messageJson(call.reply, call.meta), { ...ownHeaders, ...fault?.headers });
  }

  function startStream(res: ServerResponse, fault: Fault | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...ownHeaders,
      ...fault?.headers,
    });
  }

  return createRecordingHandler(state, accept, (res) =>
    reject(res, 400, 'invalid_request_error', 'The request body is not valid JSON.'),
  );
}

interface Problem {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** What the real API refuses before answering; undefined when the request would be served. */
function checkRequest(headers: AcceptedRequest['headers'], body: unknown): Problem | undefined {
  const invalid = (message: string): Problem => ({
    status: 400,
    type: 'invalid_request_error',
    message,
  });
  if (headers['x-api-key'] === undefined && headers.authorization === undefined) {
    return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
  }
  if (headers['anthropic-version'] === undefined) {
    return invalid('anthropic-version: header is required');
  }
  if (!isRecord(body)) return invalid('The request body must be a JSON object.');
  if (typeof body.model !== 'string') return invalid('model: Field required');
  if (typeof body.max_tokens !== 'number') return invalid('max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return invalid('messages: at least one message is required');
  }
  const index = body.messages.findIndex(
    (message) => !isRecord(message) || (message.role !== 'user' && message.role !== 'assistant'),
  );
  if (index !== -1) {
    return invalid(`messages.${index}.role: Input should be 'user' or 'assistant'`);
  }
  return undefined;
}
