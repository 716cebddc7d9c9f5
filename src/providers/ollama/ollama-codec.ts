/**
 * Ollama's native API (https://github.com/ollama/ollama/blob/main/docs/api.md) as two codecs,
 * as LiteLLM has them: `ollama/<model>` sends chat requests to `/api/generate` as one prompt;
 * `ollama_chat/<model>` sends them to `/api/chat` as messages, with tools. Both send legacy
 * `/completions` to `/api/generate` and embeddings to `/api/embed`, and both stream NDJSON.
 */
import type { Deployment } from '../../core/deployment.ts';
import type { Operation, ResponseBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { HttpCall, HttpCodec, ProviderRequest } from '../provider.ts';
import { asObject } from '../openai/error-mapping.ts';
import { readNdjsonEvents } from '../transport/ndjson.ts';
import { OLLAMA_LABEL, ollamaBadRequest } from './ollama-content.ts';
import { mapOllamaError, statusOfOllamaError } from './ollama-errors.ts';
import { toChatBody, toCompletionBody, toEmbedBody, toGenerateBody } from './ollama-request.ts';
import {
  decodeChat,
  decodeCompletion,
  decodeEmbedding,
  decodeGenerateChat,
} from './ollama-response.ts';
import { createOllamaStreamDecoder } from './ollama-stream-decoder.ts';

/** Where Ollama listens when a deployment sets no `api_base` (and OLLAMA_API_BASE is unset). */
export const OLLAMA_API_BASE = 'http://localhost:11434';

/** `generate`: the `ollama/` provider; `chat`: the `ollama_chat/` provider. */
export type OllamaMode = 'generate' | 'chat';

/** Options of createOllamaCodec(). */
export interface OllamaCodecOptions {
  readonly mode: OllamaMode;
  /** Wall-clock ms (`created`, Retry-After dates). Default Date.now. */
  readonly now?: () => number;
}

/** An Ollama codec; `errorLabel` names it in connection errors. */
export interface OllamaCodec extends HttpCodec {
  readonly errorLabel: string;
  encode(request: ProviderRequest): HttpCall;
}

/** Endpoint paths an `api_base` may already end with (LiteLLM accepts a full endpoint URL). */
const ENDPOINT_SUFFIX = /\/api\/(generate|chat|embed)$/;

/** `{api_base}/api/<endpoint>`; a base that already names an endpoint is reduced to its root. */
export function ollamaUrl(deployment: Deployment, endpoint: 'generate' | 'chat' | 'embed'): string {
  const base = (deployment.apiBase ?? OLLAMA_API_BASE).replace(ENDPOINT_SUFFIX, '');
  return `${base}/api/${endpoint}`;
}

export function createOllamaCodec(options: OllamaCodecOptions): OllamaCodec {
  const { mode } = options;
  const now = options.now ?? Date.now;
  const name = mode === 'chat' ? 'ollama_chat' : 'ollama';

  const build = (
    request: ProviderRequest,
  ): { endpoint: 'generate' | 'chat' | 'embed'; body: object } => {
    const { operation, body, deployment } = request;
    const model = deployment.upstreamModel;
    switch (operation) {
      case 'chat':
        return mode === 'chat'
          ? { endpoint: 'chat', body: toChatBody(body, model, deployment.id) }
          : { endpoint: 'generate', body: toGenerateBody(body, model, deployment.id) };
      case 'completion':
        return { endpoint: 'generate', body: toCompletionBody(body, model, deployment.id) };
      case 'embedding':
        return { endpoint: 'embed', body: toEmbedBody(body, model, deployment.id) };
      default:
        throw ollamaBadRequest(`operation '${String(operation)}' is not supported`, deployment.id);
    }
  };

  return {
    name,
    errorLabel: OLLAMA_LABEL,
    encode(request) {
      const { endpoint, body } = build(request);
      return {
        url: ollamaUrl(request.deployment, endpoint),
        method: 'POST',
        headers: ollamaHeaders(request.deployment),
        body: JSON.stringify(body),
      };
    },
    decode(operation: Operation, payload: unknown, deployment: Deployment): ResponseBody {
      const answer = asObject(payload);
      if (answer === undefined) {
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: ${OLLAMA_LABEL} - upstream answer is not a JSON object`,
          { deploymentId: deployment.id },
        );
      }
      if (typeof answer.error === 'string') {
        const bodyText = JSON.stringify(answer);
        throw mapOllamaError(
          { status: statusOfOllamaError(answer.error), headers: {}, bodyText, deployment },
          now(),
        );
      }
      const model = deployment.upstreamModel;
      if (operation === 'embedding') return decodeEmbedding(answer, model);
      if (operation === 'completion') return decodeCompletion(answer, now(), model);
      return mode === 'chat'
        ? decodeChat(answer, now(), model)
        : decodeGenerateChat(answer, now(), model);
    },
    createStreamDecoder(operation, deployment) {
      let kind: 'chat' | 'generate-chat' | 'completion' = 'completion';
      if (operation === 'chat') kind = mode === 'chat' ? 'chat' : 'generate-chat';
      return createOllamaStreamDecoder({ kind, deployment, now });
    },
    frameStream: (body) => readNdjsonEvents(body),
    mapError: (failure) => mapOllamaError(failure, now()),
  };
}

/**
 * JSON content type, `Authorization: Bearer <api_key>` when a key is set (Ollama itself needs
 * none; an auth proxy or Ollama's cloud does), then the deployment's `extra_headers`.
 */
function ollamaHeaders(deployment: Deployment): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') {
    headers.authorization = `Bearer ${deployment.apiKey}`;
  }
  const extra = asObject(deployment.extra.extra_headers);
  for (const [header, value] of Object.entries(extra ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      headers[header.toLowerCase()] = String(value);
    }
  }
  return headers;
}
