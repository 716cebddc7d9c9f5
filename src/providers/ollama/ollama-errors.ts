/**
 * Ollama failures → the one error taxonomy. Ollama answers errors as `{"error": "<text>"}` with a
 * meaningful status: 404 for a model that was never pulled (`model 'x' not found`), 400 for a
 * bad request, 500 when the runner fails. An auth proxy in front of it adds 401/403/429. The kind
 * comes from the status; a rejected request whose text says the input does not fit
 * (`the input length exceeds the context length`, `… too long`) is a context-window error.
 */
import type { Deployment } from '../../core/deployment.ts';
import { kindForStatus, type ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { parseRetryAfterMs } from '../../resilience/retry-after.ts';
import { asObject, redact, truncateDetail } from '../openai/error-mapping.ts';
import type { UpstreamHeaders } from '../provider.ts';
import { OLLAMA_LABEL } from './ollama-content.ts';

/** Ollama's and llama.cpp's words for an input that does not fit the context window. */
const CONTEXT_WINDOW = /context length|context window|context size|too long|exceeds the context/i;

/** Statuses of a rejected request, the only ones the body's text may refine. */
const REFINABLE: ReadonlySet<ErrorKind> = new Set([
  'BadRequestError',
  'PayloadTooLargeError',
  'UnprocessableEntityError',
]);

/** One Ollama failure to classify. */
export interface OllamaFailure {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  readonly bodyText: string;
  readonly deployment: Deployment;
}

/**
 * The GatewayError for an Ollama failure: `litellm.<Kind>: OllamaException - <error text>`, the
 * deployment's key redacted, Retry-After honoured (measured against the answer's Date when sent).
 *
 * @param nowMs wall-clock ms, for a Retry-After date when the answer has no Date header.
 */
export function mapOllamaError(failure: OllamaFailure, nowMs: number): GatewayError {
  const { status, headers, bodyText, deployment } = failure;
  const text = errorText(bodyText);
  let kind = kindForStatus(status);
  if (REFINABLE.has(kind) && CONTEXT_WINDOW.test(text)) kind = 'ContextWindowExceededError';
  const detail = truncateDetail(
    redact(text || `upstream answered HTTP ${status}`, deployment.apiKey),
  );
  const serverNow = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
  const retryAfterMs = parseRetryAfterMs(headers, Number.isNaN(serverNow) ? nowMs : serverNow);
  return new GatewayError(kind, `litellm.${kind}: ${OLLAMA_LABEL} - ${detail}`, {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    upstreamStatus: status,
    deploymentId: deployment.id,
  });
}

/**
 * The status an `{"error": …}` object stands for when it arrives inside a 2xx answer or mid-
 * stream, where Ollama gives no status of its own: a missing model is 404, an input too long
 * 400, anything else a server fault.
 */
export function statusOfOllamaError(text: string): number {
  if (/not found/i.test(text)) return 404;
  if (CONTEXT_WINDOW.test(text)) return 400;
  return 500;
}

/** Ollama's `error` text (a string, or OpenAI-style `{message}` from a proxy), else the body. */
export function errorText(bodyText: string): string {
  let payload: unknown;
  try {
    payload = JSON.parse(bodyText) as unknown;
  } catch {
    return bodyText.trim();
  }
  const error = asObject(payload)?.error;
  if (typeof error === 'string' && error !== '') return error;
  const message = asObject(error)?.message;
  if (typeof message === 'string' && message !== '') return message;
  return bodyText.trim();
}
