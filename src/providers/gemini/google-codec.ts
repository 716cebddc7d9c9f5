/**
 * The codec of Google's Gemini wire format, shared by Google AI Studio (`gemini/…`) and
 * Vertex AI (`vertex_ai/…`): the two speak the same GenerateContent bodies and differ only in
 * URL, credentials and LiteLLM's exception label, so each is a preset, not a copy.
 */
import type { Deployment } from '../../core/deployment.ts';
import type { JsonObject, Operation, ResponseBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject } from '../openai/error-mapping.ts';
import type { HttpCall, HttpCodec, ProviderRequest } from '../provider.ts';
import { UnsupportedMessageError } from './contents.ts';
import { decodeEmbedding, encodeEmbedding, type EmbeddingMethod } from './embeddings.ts';
import { mapGoogleError } from './error-mapping.ts';
import { encodeGenerateContent } from './request-encoding.ts';
import { decodeGenerateContent, type DecodeContext } from './response-decoding.ts';
import { createGeminiStreamDecoder } from './stream-decoder.ts';

/** Google AI Studio's host, used when a `gemini/…` deployment sets no `api_base`. */
export const GEMINI_API_BASE = 'https://generativelanguage.googleapis.com';

/** What distinguishes Google AI Studio from Vertex AI. */
export interface GooglePreset {
  /** The provider name (`litellm_params.model` prefix). */
  readonly name: string;
  /** LiteLLM's exception label in error messages. */
  readonly errorLabel: string;
  /** The URL of a model method (`generateContent`, `streamGenerateContent?alt=sse`, …). */
  readonly url: (deployment: Deployment, method: string) => string;
  /** How embeddings are asked for. */
  readonly embeddingMethod: EmbeddingMethod;
  /** The credential headers of one call; Vertex fetches a token first. */
  readonly authHeaders: (
    request: ProviderRequest,
  ) => Record<string, string> | Promise<Record<string, string>>;
  /** Per-deployment set-up at start-up (Vertex builds its auth client). */
  readonly prepare?: (deployment: Deployment) => void;
}

/** An HttpCodec that names its LiteLLM exception label (read by createHttpProvider). */
export interface GoogleCodec extends HttpCodec {
  readonly errorLabel: string;
}

/** Options of createGoogleCodec(). */
export interface GoogleCodecOptions {
  /** Wall-clock ms (`created`, Retry-After dates). Default Date.now. */
  readonly now?: () => number;
}

/**
 * `{api_base}/v1beta/models/{model}:{method}`, the key in the `x-goog-api-key` header (never in
 * the URL, which proxies and logs record). An `api_base` already ending in `/v1beta` is not
 * doubled; tuned models (`tunedModels/…`) keep their own collection.
 */
export function geminiUrl(deployment: Deployment, method: string): string {
  const base = (deployment.apiBase ?? GEMINI_API_BASE).replace(/\/v1beta$/, '');
  const model = deployment.upstreamModel;
  const path = /^(models|tunedModels)\//.test(model) ? model : `models/${model}`;
  return `${base}/v1beta/${path.split('/').map(encodeURIComponent).join('/')}:${method}`;
}

/** Google AI Studio (`gemini/…`): API key in `x-goog-api-key`. */
export const GEMINI_PRESET: GooglePreset = {
  name: 'gemini',
  errorLabel: 'GeminiException',
  url: geminiUrl,
  embeddingMethod: 'batchEmbedContents',
  authHeaders: ({ deployment }): Record<string, string> =>
    deployment.apiKey === undefined || deployment.apiKey === ''
      ? {}
      : { 'x-goog-api-key': deployment.apiKey },
};

/** The Gemini-format codec for `preset` (Gemini by default). */
export function createGoogleCodec(
  preset: GooglePreset = GEMINI_PRESET,
  options: GoogleCodecOptions = {},
): GoogleCodec {
  const now = options.now ?? Date.now;
  const label = preset.errorLabel;
  const context = (deployment: Deployment): DecodeContext => ({ deployment, label, now });

  function buildCall(request: ProviderRequest): Omit<HttpCall, 'headers'> {
    const { operation, deployment, body } = request;
    let method: string;
    let upstream: JsonObject;
    try {
      if (operation === 'chat') {
        method = body.stream === true ? 'streamGenerateContent?alt=sse' : 'generateContent';
        upstream = encodeGenerateContent(body);
      } else if (operation === 'embedding') {
        method = preset.embeddingMethod;
        upstream = encodeEmbedding(preset.embeddingMethod, body, deployment.upstreamModel);
      } else {
        throw new UnsupportedMessageError(
          `operation '${String(operation)}' is not supported; use /v1/chat/completions`,
        );
      }
    } catch (error) {
      if (!(error instanceof UnsupportedMessageError)) throw error;
      throw new GatewayError(
        'BadRequestError',
        `litellm.BadRequestError: ${label} - ${error.message}`,
        {
          deploymentId: deployment.id,
        },
      );
    }
    return { url: preset.url(deployment, method), method: 'POST', body: JSON.stringify(upstream) };
  }

  const withHeaders = (
    call: Omit<HttpCall, 'headers'>,
    deployment: Deployment,
    auth: Record<string, string>,
  ): HttpCall => ({
    ...call,
    headers: { 'content-type': 'application/json', ...auth, ...extraHeaders(deployment) },
  });

  return {
    name: preset.name,
    errorLabel: label,
    ...(preset.prepare === undefined ? {} : { prepare: preset.prepare }),
    encode(request) {
      // The body first: a request that cannot be translated costs no token exchange.
      const call = buildCall(request);
      const auth = preset.authHeaders(request);
      return auth instanceof Promise
        ? auth.then((headers) => withHeaders(call, request.deployment, headers))
        : withHeaders(call, request.deployment, auth);
    },
    decode(operation: Operation, payload: unknown, deployment: Deployment): ResponseBody {
      const body = asObject(payload);
      if (body === undefined)
        throw badGateway(label, deployment, 'upstream answer is not a JSON object');
      if (body.error !== undefined) {
        const bodyText = JSON.stringify(body);
        throw mapGoogleError({ status: 200, headers: {}, bodyText, deployment }, label, now());
      }
      if (operation === 'embedding') {
        const list = decodeEmbedding(preset.embeddingMethod, body, deployment.upstreamModel);
        if (list === undefined) throw badGateway(label, deployment, 'the answer has no embeddings');
        return list;
      }
      return decodeGenerateContent(body, context(deployment));
    },
    createStreamDecoder: (_operation, deployment) => createGeminiStreamDecoder(context(deployment)),
    mapError: (failure) => mapGoogleError(failure, label, now()),
  };
}

function badGateway(label: string, deployment: Deployment, what: string): GatewayError {
  return new GatewayError('BadGatewayError', `litellm.BadGatewayError: ${label} - ${what}`, {
    deploymentId: deployment.id,
  });
}

/** The deployment's `extra_headers`, names lower-cased; they win over the codec's own headers. */
function extraHeaders(deployment: Deployment): Record<string, string> {
  const extra = asObject(deployment.extra.extra_headers);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}
