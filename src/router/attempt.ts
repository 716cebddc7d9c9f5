import type { Clock } from '../core/clock.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody, Operation } from '../core/openai-types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
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
  readonly clientSignal: AbortSignal | undefined;
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
 * An attempt's request. `signal` is an own getter, so the AbortSignal behind it is made only
 * when a provider reads it, and a copy (`{ ...request }`) still carries it.
 */
function attemptRequest(
  input: AttemptInput,
  deadline: AttemptDeadline,
  forwardChunks = false,
): ProviderRequest {
  return {
    operation: input.operation,
    deployment: input.deployment,
    body: input.body,
    cancel: deadline.cancel,
    forwardChunks,
    get signal() {
      return deadline.signal;
    },
  };
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
    return await input.provider.send(attemptRequest(input, deadline));
  } finally {
    deadline.dispose();
  }
}

export interface StreamAttemptInput extends AttemptInput {
  /** Longest gap between chunks once the stream has started, in ms. */
  readonly idleTimeoutMs: number;
  /** The caller only forwards the chunks (RouteOptions.forwardChunks). */
  readonly forwardChunks?: boolean;
}

/**
 * Opens a stream and waits for its first chunk: the commit point. Until it resolves, any
 * failure (including no first chunk within `timeoutMs`) is an ordinary attempt failure the
 * router may retry; after it, the session owns the failure.
 */
export async function openStreamAttempt(input: StreamAttemptInput): Promise<StreamSession> {
  const { deployment, timeoutMs, idleTimeoutMs } = input;
  const deadline = new AttemptDeadline(
    input.clock,
    timeoutMs,
    () => timeoutError(deployment, timeoutMs, 'No stream chunk received'),
    input.clientSignal,
  );
  try {
    const stream = await input.provider.openStream(
      attemptRequest(input, deadline, input.forwardChunks === true),
    );
    return await openStreamSession(stream, deadline, idleTimeoutMs, () =>
      timeoutError(deployment, idleTimeoutMs, 'Stream stalled'),
    );
  } catch (error) {
    deadline.dispose();
    throw error;
  }
}
