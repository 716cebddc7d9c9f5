/**
 * Where a Bedrock deployment's calls go and with which credentials, read from the compiled
 * deployment (config/aws-params.ts fills `extra` and `apiBase` at start-up, env included).
 */
import type { Deployment } from '../../core/deployment.ts';
import { GatewayError } from '../../errors/gateway-error.ts';

/** AWS credentials for SigV4. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  /** Secret. */
  readonly secretAccessKey: string;
  /** Secret. Temporary credentials (STS) only. */
  readonly sessionToken?: string;
}

/** How to reach and authenticate to one deployment's Bedrock runtime. */
export interface BedrockTarget {
  /** The signing region, e.g. `us-east-1`. */
  readonly region: string;
  /** The runtime endpoint, e.g. `https://bedrock-runtime.us-east-1.amazonaws.com`. */
  readonly endpoint: string;
  /** The model id sent in the path: `converse/` / `invoke/` route prefixes removed. */
  readonly modelId: string;
  /** SigV4 credentials; absent when the deployment uses a Bedrock API key (`bearerToken`). */
  readonly credentials: AwsCredentials | undefined;
  /** A Bedrock API key (`api_key` / AWS_BEARER_TOKEN_BEDROCK), sent as a bearer token. Secret. */
  readonly bearerToken: string | undefined;
}

/**
 * LiteLLM's route prefixes in `bedrock/<route>/<model id>`. Every route is served through the
 * Converse API: `invoke/` names the same models, and Converse is the one wire format that
 * carries tools and system prompts uniformly across them.
 */
const ROUTE_PREFIX = /^(converse|invoke)\//;

/** The model id of `bedrock/…` without a route prefix. */
export function bedrockModelId(upstreamModel: string): string {
  return upstreamModel.replace(ROUTE_PREFIX, '');
}

/** The regional runtime endpoint AWS documents for `region`. */
export function bedrockRuntimeEndpoint(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/** The Converse (or ConverseStream) URL of `target`'s model. */
export function converseUrl(target: BedrockTarget, stream: boolean): string {
  const action = stream ? 'converse-stream' : 'converse';
  // Model ids contain `:` and ARNs contain `/`: both must be escaped into one path segment.
  return `${target.endpoint}/model/${encodeURIComponent(target.modelId)}/${action}`;
}

/** The target of `deployment`. Throws GatewayInternalError when the config left a gap. */
export function bedrockTarget(deployment: Deployment): BedrockTarget {
  const region = text(deployment, 'aws_region_name');
  const endpoint =
    deployment.apiBase ?? (region === undefined ? undefined : bedrockRuntimeEndpoint(region));
  const accessKeyId = text(deployment, 'aws_access_key_id');
  const secretAccessKey = text(deployment, 'aws_secret_access_key');
  const sessionToken = text(deployment, 'aws_session_token');
  const bearerToken = deployment.apiKey === '' ? undefined : deployment.apiKey;
  const credentials =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) }
      : undefined;
  if (region === undefined || endpoint === undefined) {
    throw incomplete(deployment, 'no AWS region');
  }
  if (credentials === undefined && bearerToken === undefined) {
    throw incomplete(deployment, 'no AWS credentials');
  }
  return {
    region,
    endpoint,
    modelId: bedrockModelId(deployment.upstreamModel),
    credentials,
    bearerToken,
  };
}

function text(deployment: Deployment, key: string): string | undefined {
  const value = deployment.extra[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function incomplete(deployment: Deployment, what: string): GatewayError {
  return new GatewayError(
    'GatewayInternalError',
    `Deployment ${deployment.id} (bedrock) has ${what}`,
    { deploymentId: deployment.id },
  );
}
