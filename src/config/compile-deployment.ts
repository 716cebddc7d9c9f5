/**
 * One `model_list` entry → one frozen Deployment: provider resolved from the model name,
 * credentials and base URL filled from the environment where LiteLLM would, durations in ms.
 */
import type { Deployment } from '../core/deployment.ts';
import { PROVIDER_NAMES, parseModelRef } from '../providers/model-name.ts';
import { compileAwsParams, type AwsDeploymentParams } from './aws-params.ts';
import { toMs } from './durations.ts';
import type { Env } from './env-refs.ts';
import { compileGoogleParams } from './google-params.ts';
import {
  API_BASE_ENV,
  API_KEY_ENV,
  KEY_BOUND_TO_BASE,
  NEEDS_API_BASE,
  NEEDS_API_KEY,
  providerDefaults,
} from './provider-defaults.ts';
import type { LitellmParams, ModelEntry } from './schema.ts';

/** `litellm_params` keys a provider adapter reads from `Deployment.extra`. */
const EXTRA_KEYS = [
  'organization',
  'extra_headers',
  'mock_latency_ms',
  'mock_failure_rate',
  'mock_failure_status',
  'vertex_project',
  'vertex_location',
  'vertex_credentials',
] as const satisfies readonly (keyof LitellmParams)[];

/** What compileDeployment needs besides the entry. */
export interface DeploymentContext {
  /** Position in `model_list`, for messages. */
  readonly index: number;
  readonly id: string;
  readonly env: Env;
  /** Where problems go, one line each. */
  readonly issues: string[];
}

/** Compiles `entry`, or pushes its problems onto `context.issues` and returns undefined. */
export function compileDeployment(
  entry: ModelEntry,
  context: DeploymentContext,
): Deployment | undefined {
  const params = entry.litellm_params;
  const at = `model_list[${context.index}].litellm_params`;
  const ref = resolveProvider(params);
  if (ref === undefined) {
    context.issues.push(
      `${at}.model: unknown provider in ${JSON.stringify(params.model)}; supported: ${PROVIDER_NAMES.join(', ')} ` +
        '(use openai/<model> with api_base for any OpenAI-compatible server such as vLLM, Ollama or TGI)',
    );
    return undefined;
  }

  const defaults = providerDefaults(ref.provider, context.env);
  const apiKey =
    params.api_key ??
    (keyFollowsBase(ref.provider, params.api_base, defaults.apiBase) ? defaults.apiKey : undefined);
  if (
    apiKey === undefined &&
    NEEDS_API_KEY.has(ref.provider) &&
    params.mock_response === undefined
  ) {
    const envName = API_KEY_ENV[ref.provider] ?? '';
    const hint =
      params.api_base === undefined
        ? `(or set ${envName} in the environment)`
        : `with their own api_base (${envName} only goes to the default base)`;
    context.issues.push(`${at}.api_key: is required for ${ref.provider}/ models ${hint}`);
    return undefined;
  }
  // Bedrock needs a region and credentials (SigV4 or an API key) before it can sign anything.
  let aws: AwsDeploymentParams | undefined;
  if (ref.provider === 'bedrock' && params.mock_response === undefined) {
    const hasApiKey = apiKey !== undefined;
    aws = compileAwsParams(params, { env: context.env, at, issues: context.issues, hasApiKey });
    if (aws === undefined) return undefined;
  }
  const apiBase = params.api_base ?? aws?.apiBase ?? defaults.apiBase;
  if (
    apiBase === undefined &&
    NEEDS_API_BASE.has(ref.provider) &&
    params.mock_response === undefined
  ) {
    const envName = API_BASE_ENV[ref.provider] ?? '';
    context.issues.push(
      `${at}.api_base: is required for ${ref.provider}/ models (or set ${envName} in the environment)`,
    );
    return undefined;
  }
  if (apiBase !== undefined && !isHttpUrl(apiBase)) {
    context.issues.push(`${at}.api_base: expected an http(s) URL such as http://localhost:8000/v1`);
    return undefined;
  }
  const { env, issues } = context;
  const google = compileGoogleParams({ provider: ref.provider, params, env, apiKey, at, issues });
  if (google === undefined) return undefined;

  return Object.freeze({
    id: context.id,
    group: entry.model_name,
    provider: ref.provider,
    upstreamModel: ref.upstreamModel,
    apiBase: (apiBase ?? google.apiBase)?.replace(/\/+$/, ''),
    apiKey,
    apiVersion: params.api_version ?? defaults.apiVersion,
    timeoutMs: toMs(params.timeout),
    streamTimeoutMs: toMs(params.stream_timeout),
    maxRetries: params.max_retries,
    rpm: params.rpm,
    tpm: params.tpm,
    maxParallelRequests: params.max_parallel_requests,
    weight: params.weight,
    order: params.order ?? 1,
    region: params.region_name ?? aws?.region ?? google.region,
    inputCostPerToken: params.input_cost_per_token,
    outputCostPerToken: params.output_cost_per_token,
    cooldownTimeMs: toMs(params.cooldown_time),
    mockResponse: params.mock_response,
    info: deepFreeze(structuredClone(entry.model_info ?? {})),
    extra: deepFreeze({ ...extraOf(params), ...aws?.extra, ...google.extra }),
  });
}

/**
 * The provider for `params.model`. With `mock_response` any name goes (LiteLLM answers
 * without calling upstream): a known prefix keeps its provider, anything else is `mock`.
 */
function resolveProvider(
  params: LitellmParams,
): { provider: string; upstreamModel: string } | undefined {
  const ref = parseModelRef(params.model);
  if (ref !== undefined) return ref;
  if (params.mock_response !== undefined) return { provider: 'mock', upstreamModel: params.model };
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function extraOf(params: LitellmParams): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const key of EXTRA_KEYS) {
    const value = params[key];
    if (value !== undefined)
      extra[key] = key === 'extra_headers' ? { ...params.extra_headers } : value;
  }
  return extra;
}

/** Freezes `value` and every mapping and list inside it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Whether the environment's default key may go to this deployment. For KEY_BOUND_TO_BASE
 * providers (`openai/`, `anthropic/`, the hosted presets), only when the deployment talks to the
 * default base: `OPENAI_API_KEY` must never be sent to a self-hosted or third-party compatible
 * server just because its entry has no `api_key` (LiteLLM does send it; we do not). Azure, vLLM,
 * TGI and Ollama keys are scoped to their provider already.
 */
function keyFollowsBase(
  provider: string,
  configuredBase: string | undefined,
  defaultBase: string | undefined,
): boolean {
  if (!KEY_BOUND_TO_BASE.has(provider) || configuredBase === undefined) return true;
  return configuredBase.replace(/\/+$/, '') === defaultBase?.replace(/\/+$/, '');
}
