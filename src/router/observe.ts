import type { Deployment } from '../core/deployment.ts';
import type { AttemptError, RouterEvents } from '../core/router-events.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { CooldownEvent } from '../resilience/cooldown.ts';

/** A failure as observers see it: kind, client status and message (never a body or key). */
export function attemptError(error: GatewayError): AttemptError {
  return { kind: error.kind, status: error.upstreamStatus ?? error.status, message: error.message };
}

/** What a successful attempt's value tells observers (headers to export, tokens for latency/token). */
export interface AttemptSummary {
  readonly upstreamHeaders: Readonly<Record<string, string>> | undefined;
  readonly completionTokens: number | undefined;
  /** Input tokens the upstream reported, for usage tracking. */
  readonly promptTokens: number | undefined;
}

/** Reports a bench decided by this request's failure, with the status that caused it. */
export function emitBench(
  events: RouterEvents,
  deployment: Deployment,
  bench: CooldownEvent | undefined,
  error: GatewayError,
): void {
  if (bench?.type !== 'bench' || !events.has('cooldown')) return;
  events.emit('cooldown', {
    deployment,
    state: 'benched',
    until: bench.until,
    status: error.upstreamStatus ?? error.status,
  });
}

/** Output tokens from an OpenAI `usage` block, when present. */
export function completionTokensOf(body: Readonly<Record<string, unknown>>): number | undefined {
  const usage = body.usage as { completion_tokens?: unknown } | undefined;
  return typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : undefined;
}

/** Input tokens from an OpenAI `usage` block (a stream's final chunk too), when present. */
export function promptTokensOf(body: Readonly<Record<string, unknown>>): number | undefined {
  const usage = body.usage as { prompt_tokens?: unknown } | undefined;
  return typeof usage?.prompt_tokens === 'number' ? usage.prompt_tokens : undefined;
}
