import type { MaybeBuffered, TakeBuffered } from '../core/buffered-iterator.ts';
import type { Deployment } from '../core/deployment.ts';
import type { StreamChunk } from '../core/openai-types.ts';
import { rememberSourceText } from '../core/source-text.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type {
  HttpCodec,
  Provider,
  ProviderRequest,
  ProviderStream,
  SseEvent,
  StreamDecoder,
  StreamDecoderOptions,
  UpstreamHeaders,
} from './provider.ts';
import { readSseEvents } from './transport/sse.ts';
import type { HttpResponse, Transport } from './transport/transport.ts';

/** Most bytes of a non-2xx body read for error mapping: enough for any real error, bounded. */
export const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

const FORWARD_ONLY: StreamDecoderOptions = { forwardOnly: true };

/** Upstream headers passed on to the router (rate-limit state, retry hints, request id). */
const KEPT_HEADERS = new Set(['retry-after', 'retry-after-ms', 'x-request-id']);
const KEPT_PREFIX = 'x-ratelimit-';

/**
 * A Provider made of a pure codec and the transport: the codec decides what to send and how to
 * read it, the transport moves the bytes. `codec.errorLabel` (e.g. `OpenAIException`), when
 * present, names the provider in connection-error messages as LiteLLM does.
 */
export function createHttpProvider(
  codec: HttpCodec & { readonly errorLabel?: string },
  transport: Transport,
): Provider {
  const label = codec.errorLabel ?? codec.name;
  const frameStream = codec.frameStream;

  /** Sends the call and returns a 2xx answer; any other status is mapped and thrown. */
  async function exchange(request: ProviderRequest): Promise<HttpResponse> {
    const encoded = codec.encode(request);
    const call = encoded instanceof Promise ? await encoded : encoded;
    let response: HttpResponse;
    try {
      response = await transport.request(call, request.cancel ?? request.signal);
    } catch (error) {
      throw labelConnectionError(error, label, request.deployment.id);
    }
    if (response.status >= 200 && response.status < 300) return response;
    let bodyText: string;
    try {
      bodyText = await response.text(ERROR_BODY_LIMIT_BYTES);
    } catch (error) {
      throw labelConnectionError(error, label, request.deployment.id);
    }
    throw codec.mapError({
      status: response.status,
      // All of them: a codec may read more than the router keeps (e.g. `date` for Retry-After).
      headers: response.headers,
      bodyText,
      deployment: request.deployment,
    });
  }

  /**
   * A 2xx JSON answer to a stream request: some compatible servers report errors this way, and
   * a server that ignored `stream: true` would otherwise look like an empty stream. Either way
   * it fails before the commit point, where the router can still retry.
   */
  async function notAStream(response: HttpResponse, request: ProviderRequest): Promise<unknown> {
    let payload: unknown;
    try {
      payload = JSON.parse(await response.text(ERROR_BODY_LIMIT_BYTES)) as unknown;
    } catch (error) {
      // Not JSON after all: decode() below reports it as a bad gateway.
      if (!(error instanceof SyntaxError)) {
        return labelConnectionError(error, label, request.deployment.id);
      }
    }
    try {
      // Throws the mapped error when the body is an error object.
      codec.decode(request.operation, payload, request.deployment);
    } catch (error) {
      return error;
    }
    return new GatewayError(
      'BadGatewayError',
      `litellm.BadGatewayError: ${label} - upstream answered a stream request with a JSON body`,
      { upstreamStatus: response.status, deploymentId: request.deployment.id },
    );
  }

  return {
    name: codec.name,
    ...(codec.prepare === undefined
      ? {}
      : { prepare: (deployment: Deployment) => codec.prepare?.(deployment) }),

    async send(request) {
      const response = await exchange(withStream(request, false));
      let payload: unknown;
      let text: string;
      try {
        text = await response.text();
        payload = JSON.parse(text) as unknown;
      } catch (error) {
        if (error instanceof SyntaxError) {
          throw new GatewayError(
            'BadGatewayError',
            `litellm.BadGatewayError: ${label} - upstream answered ${response.status} with invalid JSON`,
            { upstreamStatus: response.status, deploymentId: request.deployment.id, cause: error },
          );
        }
        throw labelConnectionError(error, label, request.deployment.id);
      }
      const body = codec.decode(request.operation, payload, request.deployment);
      // The codec passed the answer through as it came (OpenAI's format is the gateway's).
      if (body === payload) rememberSourceText(body, text);
      return { body, headers: keptHeaders(response) };
    },

    async openStream(request) {
      const response = await exchange(withStream(request, true));
      const contentType = response.header
        ? response.header('content-type')
        : response.headers['content-type'];
      if (contentType?.includes('application/json') === true) {
        throw await notAStream(response, request);
      }
      const decoder = codec.createStreamDecoder(
        request.operation,
        request.deployment,
        request.forwardChunks === true ? FORWARD_ONLY : undefined,
      );
      const relabel = (error: unknown): unknown =>
        labelConnectionError(error, label, request.deployment.id);
      // A codec with its own framing reads the body itself; server-sent events may come to the
      // decoder a read at a time (StreamDecoder.takesRun).
      const events =
        frameStream === undefined
          ? readSseEvents(response.body, decoder.takesRun)
          : frameStream(response.body);
      // One iterator per stream: the body can be read only once.
      const iterator = createChunkIterator(events, response, decoder, relabel);
      return new UpstreamStream(keptHeaders(response), iterator);
    },
  };
}

/**
 * An accepted upstream stream. A class rather than an object literal: a literal with a
 * computed `[Symbol.asyncIterator]` key is built through a V8 runtime call every time.
 */
class UpstreamStream implements ProviderStream {
  constructor(
    readonly headers: UpstreamHeaders,
    private readonly iterator: AsyncIterator<StreamChunk>,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<StreamChunk> {
    return this.iterator;
  }
}

/**
 * Chunks of one stream, pulled event by event. Hand-written rather than a generator so that
 * `return()` releases the connection even when the consumer never started iterating (a
 * generator that never ran ignores its `finally`), and so that the events one read brought are
 * decoded and handed over without a promise each (TakeBuffered).
 */
function createChunkIterator(
  framed: AsyncIterable<SseEvent>,
  response: HttpResponse,
  decoder: StreamDecoder,
  relabel: (error: unknown) => unknown,
): AsyncIterator<StreamChunk> & Required<TakeBuffered<StreamChunk>> {
  const events: MaybeBuffered<SseEvent> = framed[Symbol.asyncIterator]();
  let pending: readonly StreamChunk[] = [];
  let next = 0;
  let closed = false;
  /** A decoding failure met by takeBuffered(), thrown by the next call of next(). */
  let deferred: { readonly error: unknown } | undefined;
  const end = (): IteratorResult<StreamChunk> => ({ done: true, value: undefined });

  const fail = (error: unknown): never => {
    closed = true;
    response.abort();
    throw relabel(error);
  };

  return {
    async next() {
      if (deferred !== undefined) {
        const { error } = deferred;
        deferred = undefined;
        return fail(error);
      }
      for (;;) {
        if (next < pending.length) return { done: false, value: pending[next++]! };
        if (closed) return end();
        if (decoder.done) {
          closed = true;
          finishQuietly(response);
          return end();
        }
        let result: IteratorResult<SseEvent>;
        try {
          result = await events.next();
        } catch (error) {
          return fail(error);
        }
        // A clean end without a terminator is an end, after what the decoder held back: several
        // OpenAI-compatible servers skip `[DONE]`, and Gemini never sends one. A cut connection
        // is not clean; the transport throws for it.
        if (result.done === true) {
          closed = true;
          pending = decoder.flush?.() ?? [];
          next = 0;
          continue;
        }
        try {
          pending = decoder.decode(result.value);
        } catch (error) {
          return fail(error);
        }
        next = 0;
      }
    },
    takeBuffered() {
      for (;;) {
        if (next < pending.length) return pending[next++];
        // The end, the terminator and failures are next()'s to report.
        if (closed || decoder.done || deferred !== undefined) return undefined;
        const event = events.takeBuffered?.();
        if (event === undefined) return undefined;
        try {
          pending = decoder.decode(event);
        } catch (error) {
          pending = [];
          deferred = { error };
        }
        next = 0;
      }
    },
    takeEnd() {
      // As next() would end: nothing pending, nothing deferred, the terminator decoded.
      if (next < pending.length || deferred !== undefined) return false;
      if (closed) return true;
      if (!decoder.done) return false;
      closed = true;
      finishQuietly(response);
      return true;
    },
    return() {
      if (!closed) {
        closed = true;
        response.abort();
      }
      pending = [];
      deferred = undefined;
      return Promise.resolve(end());
    },
  };
}

/** How long an upstream may linger after its stream terminator before its body is cut, in ms. */
export const LINGER_AFTER_DONE_MS = 1_000;

/**
 * Lets the body end on its own after the terminator instead of cutting it at once. Nearly always
 * the end arrived with the terminator or arrives a moment later: the connection goes back to
 * the pool with no error built. Cutting it (`abort()`) would build an abort error and its stack
 * trace, source-mapped under tsx: the most expensive step of a whole stream. An upstream that
 * lingers after `[DONE]` is still cut, once LINGER_AFTER_DONE_MS has passed. What comes after
 * the terminator is dropped unread, and the consumer never waits for any of this.
 */
function finishQuietly(response: HttpResponse): void {
  response.discard(LINGER_AFTER_DONE_MS);
}

/**
 * The request with `stream` forced to what the call needs. Copies only when the body
 * disagrees, which the router normally avoids.
 */
function withStream(request: ProviderRequest, stream: boolean): ProviderRequest {
  if ((request.body.stream === true) === stream) return request;
  const body = { ...request.body };
  if (stream) body.stream = true;
  else delete body.stream;
  return { ...request, body };
}

/** Adds the provider label and the deployment to the transport's connection errors. */
function labelConnectionError(error: unknown, label: string, deploymentId: string): unknown {
  if (!(error instanceof GatewayError) || error.kind !== 'APIConnectionError') return error;
  if (error.deploymentId !== undefined) return error;
  return new GatewayError(
    'APIConnectionError',
    `litellm.APIConnectionError: ${label} - ${error.message}`,
    { deploymentId, cause: error },
  );
}

/** The upstream headers passed on to the router, decoding no others where the response can. */
function keptHeaders(response: HttpResponse): UpstreamHeaders {
  if (response.pickHeaders) return response.pickHeaders(isKeptHeader);
  const { headers } = response;
  const out: Record<string, string> = {};
  for (const name in headers) if (isKeptHeader(name)) out[name] = headers[name]!;
  return out;
}

function isKeptHeader(name: string): boolean {
  return KEPT_HEADERS.has(name) || name.startsWith(KEPT_PREFIX);
}
