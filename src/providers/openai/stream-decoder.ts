import type { Deployment } from '../../core/deployment.ts';
import type { StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { SseEvent, StreamDecoder } from '../provider.ts';
import { forwardedChunk } from '../../core/source-text.ts';
import { rememberStreamChunkText } from '../transport/sse.ts';
import {
  asObject,
  mapOpenAIError,
  parseJson,
  redact,
  statusOfErrorObject,
} from './error-mapping.ts';

/** Options of createOpenAIStreamDecoder(). */
export interface OpenAIStreamDecoderOptions {
  readonly deployment: Deployment;
  /** LiteLLM's exception label, e.g. `OpenAIException`. */
  readonly label: string;
  readonly now: () => number;
  /** Leave plain chunks unparsed for a caller that only forwards them (StreamDecoderOptions). */
  readonly forwardOnly?: boolean;
}

/**
 * Decodes an OpenAI-format SSE stream: every `data:` line is a chunk already in the gateway's
 * format, `data: [DONE]` ends it. OpenAI and vLLM report failures after the 200 as a chunk
 * carrying an `error` object (some servers name the event `error`); those are thrown as the
 * mapped GatewayError so the router sees the same taxonomy as for a non-2xx answer.
 */
export function createOpenAIStreamDecoder(options: OpenAIStreamDecoderOptions): StreamDecoder {
  const { deployment, label, now } = options;
  const forwardOnly = options.forwardOnly === true;

  const embeddedError = (error: Record<string, unknown>, text: string): GatewayError =>
    mapOpenAIError(
      { status: statusOfErrorObject(error), headers: {}, bodyText: text, deployment },
      label,
      now(),
    );

  // `done` is a plain field, not a getter: V8 gives an object literal with a getter a
  // dictionary of properties, and decode() is called on it for every chunk.
  const decoder = {
    done: false,
    decode(event: SseEvent): readonly StreamChunk[] {
      const data = trimmed(event.data);
      if (data === '[DONE]') {
        decoder.done = true;
        return [];
      }
      // An empty `data:` line is a keep-alive some servers send; it carries nothing.
      if (data === '') return [];
      if (forwardOnly && event.event !== 'error' && isPlainChunk(data)) {
        return [forwardedChunk(data)];
      }
      const chunk = asObject(parseJson(data));
      if (chunk === undefined) {
        if (event.event === 'error') throw embeddedError({}, data);
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: ${label} - unparsable stream chunk: ${redact(data.slice(0, 200), deployment.apiKey)}`,
          { deploymentId: deployment.id },
        );
      }
      const error = asObject(chunk.error);
      if (error !== undefined) throw embeddedError(error, data);
      if (event.event === 'error') throw embeddedError(chunk, JSON.stringify({ error: chunk }));
      // Already in the gateway's format: written to the client as it came.
      rememberStreamChunkText(chunk, data);
      return [chunk];
    },
  };
  return decoder;
}

/**
 * `text` without surrounding whitespace. A JSON object needs no trimming, and nearly every chunk
 * is one: checked first, it skips a builtin call per chunk.
 */
function trimmed(text: string): string {
  return text.charCodeAt(0) === 0x7b && text.charCodeAt(text.length - 1) === 0x7d
    ? text
    : text.trim();
}

/**
 * A chunk a forwarding caller can take unread: one line of what looks like a JSON object that
 * mentions neither an error nor usage (those are parsed: an error is thrown, usage is counted).
 * A false alarm only costs the parse this skips; an `error` inside text is escaped (`\"error\"`)
 * and does not match.
 */
function isPlainChunk(data: string): boolean {
  return (
    data.charCodeAt(0) === 0x7b &&
    data.charCodeAt(data.length - 1) === 0x7d &&
    data.indexOf('\n') === -1 &&
    !mentions(data, '"u', 'sage"') &&
    !mentions(data, '"e', 'rror"')
  );
}

/**
 * Whether `data` holds `lead + tail`. The search is for the tail, whose first letter is rarer in
 * a chunk than a quote: a regex for `"(?:error|usage)"` stops at every quote of the JSON, and
 * took ~2.5 times as long per chunk (micro-benchmark, 200-byte chunks).
 */
function mentions(data: string, lead: string, tail: string): boolean {
  for (let at = data.indexOf(tail); at !== -1; at = data.indexOf(tail, at + 1)) {
    if (data.startsWith(lead, at - lead.length)) return true;
  }
  return false;
}
