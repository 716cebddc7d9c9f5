import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { CancelSignal } from '../core/cancellation.ts';
import type { Provider, ProviderRequest, ProviderResponse } from '../providers/provider.ts';
import { AttemptDeadline } from './attempt-deadline.ts';
import { openStreamSession, type StreamSession } from './stream-session.ts';

/** One try: one deployment, one upstream call, bounded by its own deadline. */
export interface AttemptInput {
  readonly provider: Provider;
  readonly deployment: Deployment;
  readonly operation: Operation;
  readonly body: GatewayRequestBody;
  /** The client's signal: its abort cancels the upstream call at once. */
  readonly clientSignal: CancelSignal | undefined;
  readonly clock: Clock;
  /** Whole-attempt deadline (non-streaming) or time to first chunk (streaming), in ms. */
  readonly timeoutMs: number;
}

export function timeoutError(
  deployment: Deployment,
  timeoutMs: number,
  what: string,
): GatewayError {
  return new GatewayError(
    'Timeout',
    `litellm.Timeout: ${what} after ${timeoutMs / 1000}s (deployment ${deployment.id}, group ${deployment.group})`,
    { deploymentId: deployment.id },
  );
}

/**
 * An attempt's request. `signal` makes its AbortSignal only when a provider reads it, and is an
 * own property, so a provider's copy (`{ ...request }`) still carries it. It is defined with one
 * getter shared by every request, so that V8 keeps them all on one hidden class: an object
 * literal with its own `get signal()` has a new getter each time, and V8 turned every such
 * request into a dictionary; every provider's read of `body`, `deployment` or `cancel` then
 * missed its inline cache.
 */
class AttemptRequest implements ProviderRequest {
  static readonly #signal: PropertyDescriptor = {
    get(this: AttemptRequest): AbortSignal {
      return this.#deadline.signal;
    },
    enumerable: true,
    configurable: true,
  };

  readonly operation: Operation;
  readonly deployment: Deployment;
  readonly body: GatewayRequestBody;
  readonly cancel: CancelSignal;
  readonly forwardChunks: boolean;
  declare readonly signal: AbortSignal;
  readonly #deadline: AttemptDeadline;

  constructor(input: AttemptInput, deadline: AttemptDeadline, forwardChunks: boolean) {
    this.operation = input.operation;
    this.deployment = input.deployment;
    this.body = input.body;
    this.cancel = deadline.cancel;
    this.forwardChunks = forwardChunks;
    this.#deadline = deadline;
    Object.defineProperty(this, 'signal', AttemptRequest.#signal);
  }
}

export async function sendAttempt(input: AttemptInput): Promise<ProviderResponse> {
  const { deployment, timeoutMs } = input;
  const deadline = new AttemptDeadline(
    input.clock,
    timeoutMs,
    () => timeoutError(deployment, timeoutMs, 'Request timed out'),
    input.clientSignal,
  );
  try {
    return await input.provider.send(new AttemptRequest(input, deadline, false));
  } finally {
    deadline.dispose();
  }
}

/** What a stream attempt takes beyond AttemptInput; the same for every attempt of a request. */
export interface StreamAttemptOptions {
  /** Longest gap between chunks once the stream has started, in ms. */
  readonly idleTimeoutMs: number;
  /** The caller only forwards the chunks (RouteOptions.forwardChunks). */
  readonly forwardChunks: boolean;
}

/**
 * Opens a stream and waits for its first chunk: the commit point. Until it resolves, any
 * failure (including no first chunk within `timeoutMs`) is an ordinary attempt failure the
 * router may retry; after it, the session owns the failure.
 */
export async function openStreamAttempt(
  input: AttemptInput,
  options: StreamAttemptOptions,
): Promise<StreamSession> {
  const { deployment, timeoutMs } = input;
  const { idleTimeoutMs } = options;
  const deadline = new AttemptDeadline(
    input.clock,
    timeoutMs,
    () => timeoutError(deployment, timeoutMs, 'No stream chunk received'),
    input.clientSignal,
  );
  try {
    const stream = await input.provider.openStream(
      new AttemptRequest(input, deadline, options.forwardChunks),
    );
    const session = openStreamSession(stream, deadline, idleTimeoutMs, () =>
      timeoutError(deployment, idleTimeoutMs, 'Stream stalled'),
    );
    return session instanceof Promise ? await session : session;
  } catch (error) {
    deadline.dispose();
    throw error;
  }
}
