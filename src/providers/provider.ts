import type { CancelSignal } from '../core/cancellation.ts';
import type { Deployment } from '../core/deployment.ts';
import type {
  GatewayRequestBody,
  Operation,
  ResponseBody,
  StreamChunk,
} from '../core/openai-types.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

/** One upstream call: one attempt on one deployment. */
export interface ProviderRequest {
  readonly operation: Operation;
  readonly deployment: Deployment;
  /**
   * The client's body. `model` is still the group name; the provider sends
   * `deployment.upstreamModel` instead and drops gateway-only fields. Never mutated.
   */
  readonly body: GatewayRequestBody;
  /** Aborts the call: client gone, or the attempt's deadline (its reason is then a Timeout error). */
  readonly signal: AbortSignal;
  /**
   * The same cancellation as `signal`, for whatever takes a CancelSignal (the HTTP transport).
   * The router's requests make their AbortSignal only when `signal` is read, so reading this
   * instead keeps an EventTarget off every attempt.
   */
  readonly cancel?: CancelSignal;
  /** Streams: chunks may be left unparsed for a caller that only forwards them (StreamDecoderOptions). */
  readonly forwardChunks?: boolean;
}

/** Lower-cased upstream response headers worth passing on (e.g. `x-ratelimit-*`). */
export type UpstreamHeaders = Readonly<Record<string, string>>;

export interface ProviderResponse {
  /** The answer in OpenAI's wire format. */
  readonly body: ResponseBody;
  readonly headers: UpstreamHeaders;
}

/**
 * An upstream stream that has been accepted (status 2xx received). Iterating yields OpenAI
 * chunks; it ends after the upstream's terminator and throws a GatewayError if the stream
 * breaks, stalls or carries an error event. Breaking out of the loop releases the connection.
 */
export interface ProviderStream extends AsyncIterable<StreamChunk> {
  readonly headers: UpstreamHeaders;
}

/**
 * What the router calls. HTTP providers are built from a codec by createHttpProvider();
 * the mock provider implements this directly. Every failure is thrown as a GatewayError.
 */
export interface Provider {
  readonly name: string;
  /**
   * Called once per deployment at start-up, before any request: providers that hold state per
   * deployment (Vertex AI's OAuth client and its token cache) build it here, not per request.
   */
  prepare?(deployment: Deployment): void;
  send(request: ProviderRequest): Promise<ProviderResponse>;
  /** Resolves once the upstream has accepted the stream; errors before that reject. */
  openStream(request: ProviderRequest): Promise<ProviderStream>;
}

/** The upstream HTTP call a codec asks the transport to make. */
export interface HttpCall {
  readonly url: string;
  readonly method: 'POST' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  /** Serialized request body. */
  readonly body?: string;
}

/** A server-sent event as the transport parsed it. */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
  /**
   * `data` holds whole events as they came, framing included (`data: …\n\n`, one or more):
   * a read the decoder's StreamDecoder.takesRun accepted, handed over unparsed, as its bytes
   * (one latin1 character per byte, so that they can be written back unchanged).
   */
  readonly run?: boolean;
}

export interface StreamDecoderOptions {
  /**
   * The caller only forwards chunks as text: a decoder whose upstream already speaks the
   * gateway's format may return chunks that carry only their source text (forwardedChunk)
   * instead of parsing them, as long as it still throws for error events and parses any chunk
   * that reports usage. Decoders that translate a format ignore it.
   */
  readonly forwardOnly?: boolean;
}

/** Turns one upstream stream's events into OpenAI chunks; one instance per stream (it may keep state). */
export interface StreamDecoder {
  /** Chunks to emit for this event (often one, possibly none). */
  decode(event: SseEvent): readonly StreamChunk[];
  /** True once the upstream's terminator (e.g. `[DONE]`) was seen. */
  readonly done: boolean;
  /**
   * Whether the decoder takes `wire`, whole SSE events from one network read (its bytes, one
   * latin1 character per byte), as a single run event (SseEvent.run) instead of event by
   * event: for a decoder that forwards an upstream already in the gateway's format, and can
   * tell from ASCII alone that every event in it is one to pass on. Optional; SSE framing only
   * (readSseEvents).
   */
  readonly takesRun?: (text: string) => boolean;
  /**
   * Chunks to emit when the body ends cleanly without a terminator (Gemini sends none; its
   * usage arrives on the last event, which the decoder cannot know is last). Optional.
   */
  flush?(): readonly StreamChunk[];
}

/**
 * A provider as pure codecs: no I/O. createHttpProvider() pairs it with the transport.
 */
export interface HttpCodec {
  readonly name: string;
  /** Per-deployment set-up at start-up (see Provider.prepare); most codecs need none. */
  prepare?(deployment: Deployment): void;
  /**
   * Builds the upstream call. Throws a GatewayError (BadRequestError) for an unsupported
   * operation. May return a promise when the call needs asynchronous work first (request
   * signing, an OAuth token); plain codecs stay synchronous and cost no extra tick.
   */
  encode(request: ProviderRequest): HttpCall | Promise<HttpCall>;
  /** The upstream's JSON answer in OpenAI's format. */
  decode(operation: Operation, payload: unknown, deployment: Deployment): ResponseBody;
  createStreamDecoder(
    operation: Operation,
    deployment: Deployment,
    options?: StreamDecoderOptions,
  ): StreamDecoder;
  /**
   * Splits a stream's raw body into events for the decoder. Default: server-sent events
   * (readSseEvents). Providers with other framings (Ollama's NDJSON, Bedrock's AWS event
   * stream) supply their own; each event's `data` is one message's text, `event` its type.
   */
  readonly frameStream?: (body: AsyncIterable<Uint8Array>) => AsyncIterable<SseEvent>;
  /** Maps a non-2xx upstream answer into the one error taxonomy. */
  mapError(failure: UpstreamFailure): GatewayError;
}

export interface UpstreamFailure {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** The response body as text, possibly truncated. */
  readonly bodyText: string;
  readonly deployment: Deployment;
}
