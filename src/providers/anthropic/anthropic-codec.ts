/**
 * Anthropic's Messages API (https://docs.anthropic.com/en/api/messages) as a codec: OpenAI chat
 * and text-completion requests become `POST {api_base}/v1/messages` calls, answers, streams and
 * errors come back in OpenAI's format. Anthropic offers no embeddings.
 */
import type { Deployment } from '../../core/deployment.ts';
import type { JsonObject, ResponseBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject } from '../openai/error-mapping.ts';
import type { HttpCall, HttpCodec, ProviderRequest } from '../provider.ts';
import { UnsupportedContentError } from './content-blocks.ts';
import {
  ANTHROPIC_ERROR_LABEL,
  mapAnthropicError,
  mapEmbeddedAnthropicError,
} from './error-mapping.ts';
import { toAnthropicBody } from './request-body.ts';
import { toOpenAIResponse } from './response.ts';
import { createAnthropicStreamDecoder } from './stream-decoder.ts';

/** Anthropic's public endpoint, used when a deployment sets no `api_base`. */
export const ANTHROPIC_API_BASE = 'https://api.anthropic.com';

/** The `anthropic-version` header sent; a deployment's `extra_headers` may override it. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Options of createAnthropicCodec(). */
export interface AnthropicCodecOptions {
  /** Wall-clock ms: `created` of answers, Retry-After dates. Default Date.now. */
  readonly now?: () => number;
}

/** The Anthropic codec, labelled for createHttpProvider's connection-error messages. */
export interface AnthropicCodec extends HttpCodec {
  readonly errorLabel: string;
  /** Always synchronous: Anthropic needs no request signing. */
  encode(request: ProviderRequest): HttpCall;
}

/**
 * `{api_base}/v1/messages`. LiteLLM appends `/v1/messages` unless the base already ends with
 * it; a base ending in `/v1` (the habit OpenAI-style bases teach) is not doubled either.
 */
export function messagesUrl(deployment: Deployment): string {
  const base = (deployment.apiBase ?? ANTHROPIC_API_BASE).replace(/\/+$/, '');
  if (base.endsWith('/v1/messages')) return base;
  return base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`;
}

/** Creates the Anthropic codec. */
export function createAnthropicCodec(options: AnthropicCodecOptions = {}): AnthropicCodec {
  const now = options.now ?? Date.now;
  const badRequest = (deployment: Deployment, detail: string): GatewayError =>
    new GatewayError(
      'BadRequestError',
      `litellm.BadRequestError: ${ANTHROPIC_ERROR_LABEL} - ${detail}`,
      { deploymentId: deployment.id },
    );

  return {
    name: 'anthropic',
    errorLabel: ANTHROPIC_ERROR_LABEL,
    encode({ operation, deployment, body }): HttpCall {
      if (operation !== 'chat' && operation !== 'completion') {
        throw badRequest(
          deployment,
          `anthropic does not offer ${operation === 'embedding' ? 'embeddings' : `'${String(operation)}'`}; route this ${String(operation)} request to a group whose provider does`,
        );
      }
      let upstream: JsonObject;
      try {
        upstream = toAnthropicBody(body, deployment.upstreamModel, operation);
      } catch (error) {
        if (!(error instanceof UnsupportedContentError)) throw error;
        throw badRequest(deployment, `${error.message} (anthropic)`);
      }
      return {
        url: messagesUrl(deployment),
        method: 'POST',
        headers: buildHeaders(deployment),
        body: JSON.stringify(upstream),
      };
    },
    decode(operation, payload, deployment): ResponseBody {
      const message = asObject(payload);
      if (message === undefined) {
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: ${ANTHROPIC_ERROR_LABEL} - upstream answer is not a JSON object`,
          { deploymentId: deployment.id },
        );
      }
      if (message.type === 'error' || (asObject(message.error) && !('content' in message))) {
        throw mapEmbeddedAnthropicError(message, deployment, now());
      }
      return toOpenAIResponse(message, operation, Math.floor(now() / 1000));
    },
    createStreamDecoder: (operation, deployment) =>
      createAnthropicStreamDecoder({ operation, deployment, now }),
    mapError: (failure) => mapAnthropicError(failure, now()),
  };
}

/**
 * JSON content type, `anthropic-version`, `x-api-key` when a key is set, then the deployment's
 * `extra_headers` (e.g. `anthropic-beta`), which win.
 */
function buildHeaders(deployment: Deployment): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') {
    headers['x-api-key'] = deployment.apiKey;
  }
  const extra = asObject(deployment.extra.extra_headers);
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      headers[name.toLowerCase()] = String(value);
    }
  }
  return headers;
}
