import type { Deployment } from './deployment.ts';
import type { Operation } from './openai-types.ts';
import type { ResponseMeta } from './response-meta.ts';

/**
 * What the router tells its observers. observability/ subscribes; the router never imports a
 * metrics or logging library. Payloads are plain data and may be kept by listeners; they carry
 * deployments (whose `apiKey` a listener must never print) but no request bodies.
 */
export interface RouterEventMap {
  /** An upstream call starts. */
  'attempt:start': { readonly deployment: Deployment; readonly stream: boolean };
  /**
   * An upstream call ended: for a stream, at its commit point (first chunk) or failure before
   * it. `latencyMs` is the call's duration (time to first chunk for streams).
   */
  'attempt:end': {
    readonly deployment: Deployment;
    readonly stream: boolean;
    readonly latencyMs: number;
    /** Undefined on success. */
    readonly error: AttemptError | undefined;
    /** `x-ratelimit-*` and similar headers of a successful answer. */
    readonly upstreamHeaders: Readonly<Record<string, string>> | undefined;
    /** Output tokens of a non-streaming answer, when the upstream reported usage. */
    readonly completionTokens: number | undefined;
    /** The group the client asked for. */
    readonly requestedGroup: string;
  };
  /** A fallback group was tried after the previous one failed. */
  fallback: {
    readonly requestedGroup: string;
    readonly fallbackGroup: string;
    readonly ok: boolean;
  };
  /** A deployment was benched, became half-open, or closed again. */
  cooldown: {
    readonly deployment: Deployment;
    readonly state: 'benched' | 'half-open' | 'healthy';
    /** Epoch ms when a bench ends. */
    readonly until: number | undefined;
    /** The status that caused a bench, when known. */
    readonly status: number | undefined;
  };
  /**
   * A request is over: answered, failed, or (for streams) ended. `error` is set on failure;
   * `ttftMs` for streams that committed.
   */
  'request:end': {
    readonly operation: Operation;
    readonly stream: boolean;
    readonly meta: ResponseMeta;
    readonly requestedGroup: string;
    readonly durationMs: number;
    readonly ttftMs: number | undefined;
    readonly error: AttemptError | undefined;
  };
  /**
   * A request the server answered with an error before routing it (bad key, malformed body,
   * unknown model, oversize body): observers count and log it like any other request.
   */
  'request:rejected': {
    /** The `model` the body named, if it was parsed that far; client text, so bound it. */
    readonly model: string | undefined;
    readonly path: string;
    readonly error: AttemptError;
  };
}

/** What observers learn of a failure: enough for labels and logs, no bodies. */
export interface AttemptError {
  readonly kind: string;
  readonly status: number;
  readonly message: string;
}

export type RouterEventName = keyof RouterEventMap;
export type RouterEventListener<N extends RouterEventName> = (event: RouterEventMap[N]) => void;

/**
 * A small typed event bus. `emit` with no listeners costs one array length check, so the
 * request path pays nothing when nobody observes. A listener that throws is isolated: the
 * request it observes must never fail because of it.
 */
export class RouterEvents {
  private readonly listeners: { [N in RouterEventName]: RouterEventListener<N>[] } = {
    'attempt:start': [],
    'attempt:end': [],
    fallback: [],
    cooldown: [],
    'request:end': [],
    'request:rejected': [],
  };

  /** Subscribes; returns the function that unsubscribes. */
  on<N extends RouterEventName>(name: N, listener: RouterEventListener<N>): () => void {
    const list = this.listeners[name] as RouterEventListener<N>[];
    list.push(listener);
    return () => {
      const index = list.indexOf(listener);
      if (index >= 0) list.splice(index, 1);
    };
  }

  /** True when someone listens: lets the router skip building a payload nobody reads. */
  has(name: RouterEventName): boolean {
    return this.listeners[name].length > 0;
  }

  emit<N extends RouterEventName>(name: N, event: RouterEventMap[N]): void {
    const list = this.listeners[name] as RouterEventListener<N>[];
    for (let index = 0; index < list.length; index += 1) {
      try {
        list[index]?.(event);
      } catch {
        // An observer's bug must not become a failed request.
      }
    }
  }
}
