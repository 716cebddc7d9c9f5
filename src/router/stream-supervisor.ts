import type { ChatMessage, GatewayRequestBody, StreamChunk } from '../core/openai-types.ts';
import type { Deployment } from '../core/deployment.ts';
import { toGatewayError, type GatewayError } from '../errors/gateway-error.ts';
import { completionTokensOf, emitBench, promptTokensOf } from './observe.ts';
import type { ReportedUsage } from './attempt-tracker.ts';
import { clientFallbacks } from './fallback-plan.ts';
import type { RouterCore } from './group-runner.ts';
import { serveFallbacks, type RequestRun } from './serve-request.ts';
import type { StreamSession } from './stream-session.ts';

/**
 * Watches a stream past its commit point. A failure there (cut, stall, error event) is reported
 * to the cooldown breaker like any failed attempt. With `mid_stream_fallback` (chat only) the
 * group's fallbacks then continue the answer instead of the stream ending in an error: the text
 * already streamed goes to the fallback as a trailing assistant message, so it carries on rather
 * than starting over, and its chunks keep the first stream's id and skip the role-only opening,
 * so the client sees one answer. When no fallback can continue, the original failure ends the
 * stream as usual.
 */
export function superviseStream(
  core: RouterCore,
  run: RequestRun<StreamSession>,
  session: StreamSession,
  options: {
    readonly midStreamFallback: boolean;
    /** Called once when the stream is over: cleanly (no error), broken, or abandoned. */
    readonly onEnd: (error: GatewayError | undefined) => void;
  },
): AsyncIterable<StreamChunk> {
  const { midStreamFallback } = options;
  // A client's mock_response answers without touching the deployment: no verdict on it.
  const judged = typeof run.body.mock_response !== 'string';

  async function* chunks(): AsyncGenerator<StreamChunk> {
    let partial = '';
    let id: unknown;
    let current: StreamSession = session;
    let continued = false;
    const { tracker } = core;
    for (;;) {
      const deployment = servingDeployment(run);
      let settled = false;
      let reported: ReportedUsage | undefined;
      try {
        for await (const chunk of current) {
          // The final chunk of a stream with include_usage carries the whole call's usage.
          if (tracker && chunk.usage) reported = usageOf(chunk);
          if (continued) {
            if (isRoleOnly(chunk)) continue;
            if (id !== undefined) chunk.id = id;
          } else {
            id ??= chunk.id;
            partial += deltaText(chunk);
          }
          yield chunk;
        }
        settled = true;
        if (judged && deployment) core.cooldown.recordSuccess(deployment);
        return;
      } catch (thrown) {
        settled = true;
        const error = toGatewayError(thrown);
        if (run.signal?.aborted) {
          if (judged && deployment) core.cooldown.onAttemptAbandoned(deployment.id);
          throw error;
        }
        if (judged && deployment) {
          const groupSize = core.groupSize(deployment.group);
          emitBench(
            core.events,
            deployment,
            core.cooldown.recordFailure(deployment, error, groupSize),
            error,
          );
        }
        const failedGroup = run.resolve(run.meta.group);
        if (
          continued ||
          !midStreamFallback ||
          run.body.disable_fallbacks === true ||
          !failedGroup
        ) {
          throw error;
        }
        const continuation: RequestRun<StreamSession> = {
          ...run,
          body: withAssistantPrefix(run.body, partial),
          primary: failedGroup,
        };
        const fromClient = clientFallbacks(run.body, (name) => run.resolve(name) !== undefined);
        current = await serveFallbacks(core, continuation, error, fromClient);
        continued = true;
      } finally {
        // The consumer stopped reading (client gone): no verdict, but free a held probe slot.
        if (!settled && judged && deployment) core.cooldown.onAttemptAbandoned(deployment.id);
        // However it ended, the stream no longer occupies its deployment.
        if (tracker && deployment) tracker.streamEnded(deployment, reported);
      }
    }
  }
  async function* observed(): AsyncGenerator<StreamChunk> {
    let failure: GatewayError | undefined;
    try {
      yield* chunks();
    } catch (thrown) {
      failure = toGatewayError(thrown);
      throw failure;
    } finally {
      options.onEnd(failure);
    }
  }
  return { [Symbol.asyncIterator]: observed };
}

/** The deployment whose stream is being read: the one the request committed to. */
function servingDeployment(run: RequestRun<StreamSession>): Deployment | undefined {
  const id = run.meta.deploymentId;
  return id === undefined ? undefined : run.resolve(id)?.group.deployments[0];
}

function usageOf(chunk: StreamChunk): ReportedUsage {
  return { promptTokens: promptTokensOf(chunk), completionTokens: completionTokensOf(chunk) };
}

function deltaText(chunk: StreamChunk): string {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return '';
  const delta = (choices[0] as { delta?: { content?: unknown } } | undefined)?.delta;
  return typeof delta?.content === 'string' ? delta.content : '';
}

/** The opening chunk of a stream: a role and no text. The client already has one. */
function isRoleOnly(chunk: StreamChunk): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices) || choices.length !== 1) return false;
  const choice = choices[0] as {
    delta?: { role?: unknown; content?: unknown };
    finish_reason?: unknown;
  };
  return (
    choice.delta?.role !== undefined &&
    (choice.delta.content === undefined || choice.delta.content === '') &&
    choice.finish_reason == null
  );
}

function withAssistantPrefix(body: GatewayRequestBody, partial: string): GatewayRequestBody {
  const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
  if (partial === '') return body;
  return { ...body, messages: [...messages, { role: 'assistant', content: partial }] };
}
