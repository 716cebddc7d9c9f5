import type { MaybeBuffered, TakeBuffered } from '../core/buffered-iterator.ts';
import type { ChatMessage, GatewayRequestBody, StreamChunk } from '../core/openai-types.ts';
import type { Deployment } from '../core/deployment.ts';
import { forgetSourceText } from '../core/source-text.ts';
import { clientClosedError } from '../errors/common-errors.ts';
import { toGatewayError, type GatewayError } from '../errors/gateway-error.ts';
import { completionTokensOf, emitBench, promptTokensOf } from './observe.ts';
import type { ReportedUsage } from './attempt-tracker.ts';
import { clientFallbacks } from './fallback-plan.ts';
import type { RouterCore } from './group-runner.ts';
import { serveFallbacks, type RequestRun } from './serve-request.ts';
import type { StreamSession } from './stream-session.ts';
import type { RouterStream } from './types.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import type { UpstreamHeaders } from '../providers/provider.ts';

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
  options: SuperviseOptions,
): RouterStream {
  return new SupervisedRouterStream(core, run, session, options);
}

/**
 * What routeStream returns: its headers and meta, and the supervised chunks. A class rather than
 * an object literal: a literal with a computed `[Symbol.asyncIterator]` key is built through a
 * V8 runtime call every time. The router's state stays in private fields: library callers get
 * this object, and see only what RouterStream names.
 */
class SupervisedRouterStream implements RouterStream {
  readonly upstreamHeaders: UpstreamHeaders;
  readonly meta: ResponseMeta;
  readonly #core: RouterCore;
  readonly #run: RequestRun<StreamSession>;
  readonly #session: StreamSession;
  readonly #options: SuperviseOptions;

  constructor(
    core: RouterCore,
    run: RequestRun<StreamSession>,
    session: StreamSession,
    options: SuperviseOptions,
  ) {
    this.upstreamHeaders = session.upstreamHeaders;
    this.meta = run.meta;
    this.#core = core;
    this.#run = run;
    this.#session = session;
    this.#options = options;
  }

  [Symbol.asyncIterator](): SupervisedStream {
    return new SupervisedStream(this.#core, this.#run, this.#session, this.#options);
  }
}

interface SuperviseOptions {
  readonly midStreamFallback: boolean;
  /** Called once when the stream is over: cleanly (no error), broken, or abandoned. */
  readonly onEnd: (error: GatewayError | undefined) => void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The supervisor as one hand-written iterator that the SSE writer pulls: each chunk passes one
 * async step here instead of two generators' worth (this layer and its observer). A segment is
 * one upstream stream (the committed one, then at most one mid-stream continuation); every
 * segment ends exactly once, by `endSegment()`, and the whole stream exactly once, by `finish()`.
 */
class SupervisedStream implements AsyncIterator<StreamChunk, undefined>, TakeBuffered<StreamChunk> {
  /** A client's mock_response answers without touching the deployment: no verdict on it. */
  private readonly judged: boolean;
  private current: MaybeBuffered<StreamChunk>;
  private deployment: Deployment | undefined;
  /** The segment ended with a verdict (success or failure): no abandon on the way out. */
  private settled = false;
  private reported: ReportedUsage | undefined;
  private partial = '';
  private id: unknown;
  private continued = false;
  private finished = false;

  constructor(
    private readonly core: RouterCore,
    private readonly run: RequestRun<StreamSession>,
    session: StreamSession,
    private readonly options: SuperviseOptions,
  ) {
    this.judged = typeof run.body.mock_response !== 'string';
    this.current = session[Symbol.asyncIterator]();
    this.deployment = servingDeployment(run);
  }

  async next(): Promise<IteratorResult<StreamChunk, undefined>> {
    if (this.finished) return DONE;
    for (;;) {
      let result: IteratorResult<StreamChunk>;
      try {
        result = await this.current.next();
      } catch (thrown) {
        // Either a continuation is now `current` (loop on) or this throws the stream's error.
        await this.onFailure(thrown);
        continue;
      }
      if (result.done === true) return this.completed();
      if (this.accept(result.value)) return result;
    }
  }

  /** The end already in hand below, handled as next() would, without a promise. */
  takeEnd(): boolean {
    if (this.finished) return true;
    if (this.current.takeEnd?.() !== true) return false;
    this.completed();
    return true;
  }

  /** The stream ended cleanly: the deployment served it. */
  private completed(): IteratorReturnResult<undefined> {
    this.settled = true;
    if (this.judged && this.deployment) this.core.cooldown.recordSuccess(this.deployment);
    this.endSegment();
    this.finish(undefined);
    return DONE;
  }

  /** A chunk already in hand below, checked as next() would, without a promise. */
  takeBuffered(): StreamChunk | undefined {
    if (this.finished) return undefined;
    for (;;) {
      const chunk = this.current.takeBuffered?.();
      if (chunk === undefined || this.accept(chunk)) return chunk;
    }
  }

  /** Notes what the chunk tells (usage, id, text so far); false when it is to be skipped. */
  private accept(chunk: StreamChunk): boolean {
    // The final chunk of a stream with include_usage carries the whole call's usage.
    if (this.core.tracker && chunk.usage) this.reported = usageOf(chunk);
    if (this.continued) {
      if (isRoleOnly(chunk)) return false;
      if (this.id !== undefined && chunk.id !== this.id) {
        forgetSourceText(chunk);
        chunk.id = this.id;
      }
    } else {
      this.id ??= chunk.id;
      // Only a mid-stream continuation reads the text so far.
      if (this.options.midStreamFallback) this.partial += deltaText(chunk);
    }
    return true;
  }

  /**
   * The consumer stopped reading: no verdict on the deployment, but free a held probe slot. A
   * consumer whose signal aborted (the client went away) ends the request as ClientClosedRequest,
   * as execute() does before the commit point; one that simply stopped early ends it cleanly.
   */
  async return(): Promise<IteratorResult<StreamChunk, undefined>> {
    if (this.finished) return DONE;
    try {
      await this.current.return?.();
    } finally {
      this.endSegment();
      const signal = this.run.signal;
      this.finish(signal?.aborted === true ? clientClosedError(signal.reason) : undefined);
    }
    return DONE;
  }

  /**
   * A failure past the commit point is reported to the cooldown breaker like any failed
   * attempt; then either a mid-stream fallback becomes `current`, or the error is thrown.
   */
  private async onFailure(thrown: unknown): Promise<void> {
    const { core, run, deployment, judged } = this;
    this.settled = true;
    const error = toGatewayError(thrown);
    try {
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
        this.continued ||
        !this.options.midStreamFallback ||
        run.body.disable_fallbacks === true ||
        !failedGroup
      ) {
        throw error;
      }
      const continuation: RequestRun<StreamSession> = {
        ...run,
        body: withAssistantPrefix(run.body, this.partial),
        primary: failedGroup,
      };
      const fromClient = clientFallbacks(run.body, (name) => run.resolve(name) !== undefined);
      const next = await serveFallbacks(core, continuation, error, fromClient);
      this.endSegment();
      this.current = next[Symbol.asyncIterator]();
      this.continued = true;
      this.deployment = servingDeployment(run);
      this.settled = false;
      this.reported = undefined;
    } catch (failure) {
      this.endSegment();
      const final =
        run.signal?.aborted === true ? clientClosedError(failure) : toGatewayError(failure);
      this.finish(final);
      throw final;
    }
  }

  /** However a segment ended, its stream no longer occupies its deployment. */
  private endSegment(): void {
    const { judged, deployment } = this;
    if (!this.settled && judged && deployment) this.core.cooldown.onAttemptAbandoned(deployment.id);
    const tracker = this.core.tracker;
    if (tracker && deployment) tracker.streamEnded(deployment, this.reported);
  }

  private finish(error: GatewayError | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.options.onEnd(error);
  }
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
