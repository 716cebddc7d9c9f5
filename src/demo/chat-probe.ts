/**
 * One chat request through the gateway with the official OpenAI SDK, as an application would
 * send it, turned into a RequestOutcome. The SDK's own retries are off: the gateway alone must
 * hide the outage, and a failure it lets through has to show.
 */
import OpenAI, { APIError, APIUserAbortError } from 'openai';
import type { RequestOutcome } from './watcher.ts';

/** The header naming the model group that answered (LiteLLM's, also sent by Switchyard). */
const GROUP_HEADER = 'x-litellm-model-group';

export interface ChatProbeOptions {
  /** The gateway's OpenAI base URL, e.g. `http://127.0.0.1:4000/v1`. */
  readonly baseURL: string;
  /** The model group requested. */
  readonly model: string;
  /** Sent as `Authorization: Bearer …`; the SDK requires one even when the gateway does not. */
  readonly apiKey: string;
  /** Per-request timeout, in ms. */
  readonly timeoutMs: number;
  /** Epoch ms, for the outcome's `at`. */
  readonly now: () => number;
}

/** Sends one request; resolves undefined when `signal` aborted it (the run is stopping). */
export type ChatProbe = (signal: AbortSignal) => Promise<RequestOutcome | undefined>;

export function createChatProbe(options: ChatProbeOptions): ChatProbe {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey,
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  const { now } = options;
  return async (signal) => {
    const started = performance.now();
    // The SDK leaves a listener on the signal it is given: one per request on the run's
    // long-lived signal would pile up, so each request gets its own, linked while it runs.
    const request = new AbortController();
    const abort = (): void => request.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const { data, response } = await client.chat.completions
        .create(
          {
            model: options.model,
            messages: [{ role: 'user', content: 'Say hello and tell me which model you are.' }],
            max_tokens: 32,
          },
          { signal: request.signal },
        )
        .withResponse();
      return {
        ok: true,
        at: now(),
        answeredBy: response.headers.get(GROUP_HEADER) ?? data.model,
        reply: data.choices[0]?.message.content ?? '',
        latencyMs: performance.now() - started,
      };
    } catch (error) {
      if (signal.aborted || error instanceof APIUserAbortError) return undefined;
      return {
        ok: false,
        at: now(),
        ...describeError(error),
        latencyMs: performance.now() - started,
      };
    } finally {
      signal.removeEventListener('abort', abort);
    }
  };
}

function describeError(error: unknown): { status?: number; message: string } {
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    return { status, message: error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
