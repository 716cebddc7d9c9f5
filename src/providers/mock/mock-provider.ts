import { abortReason, type CancelSignal } from '../../core/cancellation.ts';
import { delay } from '../../core/clock.ts';
import type { Clock } from '../../core/clock.ts';
import type { Deployment } from '../../core/deployment.ts';
import type { StreamChunk } from '../../core/openai-types.ts';
import { ERROR_TABLE, kindForStatus } from '../../errors/error-table.ts';
import type { ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Provider, ProviderRequest, ProviderStream } from '../provider.ts';
import {
  mockChatChunks,
  mockChatCompletion,
  mockCompletionChunks,
  mockEmbeddingList,
  mockTextCompletion,
} from './mock-responses.ts';
import type { MockAnswer } from './mock-responses.ts';

/** The answer of a mock deployment with no `mock_response`. */
export const DEFAULT_MOCK_RESPONSE = 'This is a mock response from Switchyard.';

/** Options of createMockProvider(). */
export interface MockProviderOptions {
  /** Drives `mock_latency_ms` and `created`; a fake clock makes latency instant in tests. */
  readonly clock: Clock;
  /** Decides `mock_failure_rate`; values in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

/** Kinds only the gateway itself raises; a `mock_response` cannot ask for them. */
const GATEWAY_ONLY_KINDS: ReadonlySet<ErrorKind> = new Set([
  'NoDeploymentsAvailableError',
  'GatewayInternalError',
]);

/**
 * A provider that answers in-process, without a socket, so the gateway runs with no keys.
 *
 * The text is the request's `mock_response` (LiteLLM semantics: a client may ask for it),
 * else the deployment's, else DEFAULT_MOCK_RESPONSE; a text `litellm.<ErrorKind>` raises that
 * error instead, as LiteLLM's `mock_response="litellm.RateLimitError"` does. Deployment
 * `litellm_params` inject faults: `mock_latency_ms` delays every answer on the clock,
 * `mock_failure_rate` (0..1) fails that share of calls with `mock_failure_status` (default 500).
 */
export function createMockProvider(options: MockProviderOptions): Provider {
  const { clock } = options;
  const random = options.random ?? Math.random;
  let sequence = 0;

  /** Waits, maybe fails, then describes the answer: the part shared by all operations. */
  async function prepare(request: ProviderRequest, idPrefix: string): Promise<MockAnswer> {
    const { deployment, body } = request;
    // `cancel` rather than `signal`: reading the router's `signal` builds an AbortSignal (an
    // EventTarget) per call; with the garbage it leaves, ~20 % of a request's CPU on the
    // example config (docs/performance.md, eighth pass).
    const signal = cancelOf(request);
    if (signal.aborted) throw signal.reason;
    const latencyMs = numberParam(deployment, 'mock_latency_ms') ?? 0;
    if (latencyMs > 0) await delay(clock, latencyMs, signal);
    const failureRate = numberParam(deployment, 'mock_failure_rate') ?? 0;
    if (failureRate > 0 && random() < failureRate) throw injectedFailure(deployment);
    const text =
      typeof body.mock_response === 'string'
        ? body.mock_response
        : (deployment.mockResponse ?? DEFAULT_MOCK_RESPONSE);
    const requested = requestedErrorKind(text);
    if (requested !== undefined) {
      throw new GatewayError(
        requested,
        `litellm.${requested}: MockException - mock_response asked for ${requested}`,
        { upstreamStatus: ERROR_TABLE[requested].status, deploymentId: deployment.id },
      );
    }
    sequence += 1;
    return {
      id: `${idPrefix}-mock-${clock.now().toString(36)}${sequence.toString(36)}`,
      created: Math.floor(clock.now() / 1000),
      model: deployment.upstreamModel,
      text,
      body,
    };
  }

  return {
    name: 'mock',

    async send(request) {
      const answer = await prepare(request, request.operation === 'chat' ? 'chatcmpl' : 'cmpl');
      switch (request.operation) {
        case 'chat':
          return { body: mockChatCompletion(answer), headers: {} };
        case 'completion':
          return { body: mockTextCompletion(answer), headers: {} };
        case 'embedding':
          return { body: mockEmbeddingList(answer.model, request.body), headers: {} };
      }
    },

    async openStream(request) {
      if (request.operation === 'embedding') {
        throw new GatewayError(
          'BadRequestError',
          'litellm.BadRequestError: MockException - embeddings cannot be streamed',
          { deploymentId: request.deployment.id },
        );
      }
      const chat = request.operation === 'chat';
      const answer = await prepare(request, chat ? 'chatcmpl' : 'cmpl');
      const chunks: readonly StreamChunk[] = chat
        ? mockChatChunks(answer)
        : mockCompletionChunks(answer);
      const stream: ProviderStream = {
        headers: {},
        [Symbol.asyncIterator]: () => emit(chunks, cancelOf(request)),
      };
      return stream;
    },
  };
}

/**
 * Yields `chunks`, failing with the signal's reason if the request is aborted midway. The
 * chunks are all in memory, so nothing needs releasing when the consumer stops early.
 */
function emit(chunks: readonly StreamChunk[], signal: CancelSignal): AsyncIterator<StreamChunk> {
  let index = 0;
  return {
    next() {
      if (index >= chunks.length) return Promise.resolve({ done: true, value: undefined });
      if (signal.aborted) return Promise.reject(abortReason(signal));
      return Promise.resolve({ done: false, value: chunks[index++]! });
    },
    return() {
      index = chunks.length;
      return Promise.resolve({ done: true, value: undefined });
    },
  };
}

/** The request's cancellation, as cheaply as it comes (ProviderRequest.cancel). */
function cancelOf(request: ProviderRequest): CancelSignal {
  return request.cancel ?? request.signal;
}

function injectedFailure(deployment: Deployment): GatewayError {
  const status = numberParam(deployment, 'mock_failure_status') ?? 500;
  const kind = kindForStatus(status);
  return new GatewayError(kind, `litellm.${kind}: MockException - injected failure`, {
    upstreamStatus: status,
    deploymentId: deployment.id,
  });
}

/** The error kind a `litellm.<ErrorKind>` mock text asks for, if it names one. */
function requestedErrorKind(text: string): ErrorKind | undefined {
  if (!text.startsWith('litellm.')) return undefined;
  const name = text.slice('litellm.'.length);
  if (!Object.hasOwn(ERROR_TABLE, name)) return undefined;
  const kind = name as ErrorKind;
  return GATEWAY_ONLY_KINDS.has(kind) ? undefined : kind;
}

/** A numeric `litellm_params` entry; YAML may carry it as a number or a numeric string. */
function numberParam(deployment: Deployment, key: string): number | undefined {
  const value = deployment.extra[key];
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}
