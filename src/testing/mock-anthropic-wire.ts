/**
 * Anthropic Messages API bodies for the Anthropic-wire mock: answers, stream events and error
 * bodies shaped as the real API sends them (https://docs.anthropic.com/en/api/messages,
 * /en/docs/build-with-claude/streaming, /en/api/errors).
 */
import type { JsonObject } from '../core/openai-types.ts';
import type { ErrorContext, FaultKind } from './mock-errors.ts';
import type { Fault, FaultAnswer } from './mock-faults.ts';
import { type ReplyTemplate, splitReply } from './mock-wire.ts';

/** Anthropic's error envelope. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

/** The per-request parts of an answer. */
export interface AnthropicCallMeta {
  /** Message id suffix; only `[A-Za-z0-9-]`. */
  readonly id: string;
  readonly model: string;
  readonly inputTokens: number;
}

/** Builds `{"type":"error","error":{type,message},"request_id"}`. */
export function anthropicError(type: string, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: 'req_mock' };
}

/** A whole `message` answer. */
export function messageJson(reply: ReplyTemplate, meta: AnthropicCallMeta): string {
  return JSON.stringify({
    id: `msg_${meta.id}`,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [{ type: 'text', text: reply.text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: meta.inputTokens, output_tokens: reply.completionTokens },
  });
}

/**
 * Every SSE frame of a streamed answer, in order: message_start, content_block_start, ping, one
 * text_delta per piece of the reply, content_block_stop, message_delta (stop reason and output
 * usage), message_stop.
 */
export function streamFrames(reply: ReplyTemplate, meta: AnthropicCallMeta): string[] {
  const message = {
    id: `msg_${meta.id}`,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: meta.inputTokens, output_tokens: 1 },
  };
  return [
    frame('message_start', { message }),
    frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    frame('ping', {}),
    ...splitReply(reply.text).map((text) =>
      frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    ),
    frame('content_block_stop', { index: 0 }),
    frame('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: reply.completionTokens },
    }),
    frame('message_stop', {}),
  ];
}

/** One named SSE event whose data repeats the name as `type`, as Anthropic sends them. */
export function frame(type: string, data: JsonObject): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

interface KindSpec {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: (context: ErrorContext) => AnthropicErrorBody;
}

/** Anthropic's answer for each fault kind (`overloaded` is its own 529). */
const KINDS: Readonly<Record<FaultKind, KindSpec>> = {
  context_length: {
    status: 400,
    body: ({ promptTokens }) =>
      anthropicError(
        'invalid_request_error',
        `prompt is too long: ${Math.max(promptTokens, 200_001)} tokens > 200000 maximum`,
      ),
  },
  content_policy: {
    status: 400,
    body: () =>
      anthropicError('invalid_request_error', 'Output blocked by content filtering policy'),
  },
  rate_limit: {
    status: 429,
    headers: { 'retry-after': '1' },
    body: () =>
      anthropicError(
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per ' +
          'minute. Please reduce the prompt length or the maximum tokens requested, or try again later.',
      ),
  },
  auth: { status: 401, body: () => anthropicError('authentication_error', 'invalid x-api-key') },
  server_error: { status: 500, body: () => anthropicError('api_error', 'Internal server error') },
  overloaded: { status: 529, body: () => anthropicError('overloaded_error', 'Overloaded') },
};

/** Anthropic's error type for a status it documents; other 4xx are invalid requests. */
function typeOfStatus(status: number): string {
  const types: Readonly<Record<number, string>> = {
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The body Anthropic would send with `status` when a fault names no body or kind. */
export function anthropicStatusError(status: number, context: ErrorContext): AnthropicErrorBody {
  if (status === 404) return anthropicError('not_found_error', `model: ${context.model}`);
  if (status === 429) return KINDS.rate_limit.body(context);
  if (status === 529) return KINDS.overloaded.body(context);
  return anthropicError(typeOfStatus(status), `Mock upstream fault (status ${status}).`);
}

/** The status, headers and body an error fault answers with, in Anthropic's shape. */
export function anthropicFaultAnswer(fault: Fault, context: ErrorContext): FaultAnswer {
  const spec = fault.kind === undefined ? undefined : KINDS[fault.kind];
  const status = fault.status ?? spec?.status ?? 500;
  const body = fault.body ?? spec?.body(context) ?? anthropicStatusError(status, context);
  return { status, headers: { ...spec?.headers, ...fault.headers }, body };
}

/** The error event a `streamErrorAfter` fault ends its stream with. */
export function streamErrorFrame(fault: Fault, context: ErrorContext): string {
  const body = fault.body ?? anthropicFaultAnswer({ ...fault, body: undefined }, context).body;
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
