import type { Deployment } from '../../core/deployment.ts';
import type { Operation, ResponseBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { HttpCall, HttpCodec, ProviderRequest } from '../provider.ts';
import { asObject, mapOpenAIError, statusOfErrorObject } from './error-mapping.ts';
import { toUpstreamBody } from './request-body.ts';
import { createOpenAIStreamDecoder } from './stream-decoder.ts';

/** OpenAI's public endpoint, used when a deployment sets no `api_base`. */
export const OPENAI_API_BASE = 'https://api.openai.com/v1';

/** Where each operation lives under an OpenAI-style base URL. */
export const OPENAI_PATHS: Readonly<Record<Operation, string>> = {
  chat: '/chat/completions',
  completion: '/completions',
  embedding: '/embeddings',
};

/**
 * What distinguishes one OpenAI-compatible server from another. Everything else (body,
 * response, stream and error formats) is shared, so a new compatible server is a preset, not a
 * copy.
 */
export interface OpenAICompatiblePreset {
  /** The provider name (`litellm_params.model` prefix). */
  readonly name: string;
  /** LiteLLM's exception label in error messages, e.g. `OpenAIException`. */
  readonly errorLabel: string;
  /** The upstream URL of `path` (one of OPENAI_PATHS) for this deployment. */
  readonly url: (deployment: Deployment, path: string) => string;
  /** The credential header(s) for a key. */
  readonly authHeaders: (apiKey: string) => Record<string, string>;
}

/** Options of createOpenAICodec(): a preset, plus the wall clock (for Retry-After dates). */
export interface OpenAICodecOptions extends Partial<OpenAICompatiblePreset> {
  /** Wall-clock ms. Default Date.now. */
  readonly now?: () => number;
}

/** An HttpCodec that also names its LiteLLM exception label (read by createHttpProvider). */
export interface LabelledHttpCodec extends HttpCodec {
  readonly errorLabel: string;
  /** Always synchronous: OpenAI-style calls need no signing. */
  encode(request: ProviderRequest): HttpCall;
}

/** OpenAI itself, and any OpenAI-compatible server given an `api_base` (Ollama, TGI, LM Studio). */
export const OPENAI_PRESET: OpenAICompatiblePreset = {
  name: 'openai',
  errorLabel: 'OpenAIException',
  url: (deployment, path) => `${deployment.apiBase ?? OPENAI_API_BASE}${path}`,
  authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
};

/** A vLLM server's OpenAI endpoint. Its `api_base` is required (config enforces it). */
export const HOSTED_VLLM_PRESET: OpenAICompatiblePreset = {
  ...OPENAI_PRESET,
  name: 'hosted_vllm',
  errorLabel: 'Hosted_vllmException',
  url: (deployment, path) => `${requireApiBase(deployment, 'hosted_vllm')}${path}`,
};

/**
 * The codec of OpenAI's wire format. Requests and answers are already in the gateway's
 * format, so encoding is a shallow copy with gateway-only fields dropped and decoding is a
 * pass-through; the work is in error mapping.
 */
export function createOpenAICodec(options: OpenAICodecOptions = {}): LabelledHttpCodec {
  const preset: OpenAICompatiblePreset = { ...OPENAI_PRESET, ...options };
  const now = options.now ?? Date.now;
  const label = preset.errorLabel;
  // A deployment's headers depend on its config only: built on its first call, then reused.
  const headersOf = new WeakMap<Deployment, Readonly<Record<string, string>>>();
  const headersFor = (deployment: Deployment): Readonly<Record<string, string>> => {
    let headers = headersOf.get(deployment);
    if (headers === undefined) {
      headers = Object.freeze(buildHeaders(deployment, preset));
      headersOf.set(deployment, headers);
    }
    return headers;
  };
  // And its URL per operation's path: the same string every call, whose hash V8 keeps for
  // the transport's lookups, instead of a new one joined per request.
  const urlsOf = new WeakMap<Deployment, Map<string, string>>();
  const urlFor = (deployment: Deployment, path: string): string => {
    let urls = urlsOf.get(deployment);
    if (urls === undefined) {
      urls = new Map();
      urlsOf.set(deployment, urls);
    }
    let url = urls.get(path);
    if (url === undefined) {
      url = preset.url(deployment, path);
      urls.set(path, url);
    }
    return url;
  };

  return {
    name: preset.name,
    errorLabel: label,
    encode(request: ProviderRequest): HttpCall {
      const { operation, deployment, body } = request;
      const path = Object.hasOwn(OPENAI_PATHS, operation) ? OPENAI_PATHS[operation] : undefined;
      if (path === undefined) {
        throw new GatewayError(
          'BadRequestError',
          `litellm.BadRequestError: ${label} - operation '${String(operation)}' is not supported`,
          { deploymentId: deployment.id },
        );
      }
      return {
        url: urlFor(deployment, path),
        method: 'POST',
        headers: headersFor(deployment),
        body: JSON.stringify(toUpstreamBody(body, deployment.upstreamModel)),
      };
    },
    decode(_operation, payload, deployment): ResponseBody {
      const body = asObject(payload);
      if (body === undefined) {
        throw new GatewayError(
          'BadGatewayError',
          `litellm.BadGatewayError: ${label} - upstream answer is not a JSON object`,
          { deploymentId: deployment.id },
        );
      }
      // A few compatible servers answer 200 with only an error object; it is still a failure.
      const error = asObject(body.error);
      if (error !== undefined && !('choices' in body) && !('data' in body)) {
        const bodyText = JSON.stringify(body);
        const status = statusOfErrorObject(error);
        throw mapOpenAIError({ status, headers: {}, bodyText, deployment }, label, now());
      }
      return body;
    },
    createStreamDecoder: (_operation, deployment, options) =>
      createOpenAIStreamDecoder({
        deployment,
        label,
        now,
        forwardOnly: options?.forwardOnly === true,
      }),
    mapError: (failure) => mapOpenAIError(failure, label, now()),
  };
}

/**
 * JSON content type, the preset's credential header when a key is set (keyless local servers
 * get none), `openai-organization`, then the deployment's `extra_headers`, which win.
 */
function buildHeaders(
  deployment: Deployment,
  preset: OpenAICompatiblePreset,
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') {
    Object.assign(headers, preset.authHeaders(deployment.apiKey));
  }
  const organization = deployment.extra.organization;
  if (typeof organization === 'string' && organization !== '') {
    headers['openai-organization'] = organization;
  }
  const extra = asObject(deployment.extra.extra_headers);
  if (extra !== undefined) {
    for (const [name, value] of Object.entries(extra)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        headers[name.toLowerCase()] = String(value);
      }
    }
  }
  return headers;
}

/** The deployment's `api_base`; a preset without a public default cannot guess one. */
export function requireApiBase(deployment: Deployment, provider: string): string {
  if (deployment.apiBase !== undefined && deployment.apiBase !== '') return deployment.apiBase;
  throw new GatewayError(
    'GatewayInternalError',
    `Deployment ${deployment.id} (${provider}) has no api_base`,
    { deploymentId: deployment.id },
  );
}
