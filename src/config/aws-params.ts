/**
 * A `bedrock/…` deployment's AWS settings, resolved once at start-up the way LiteLLM (through
 * boto3) finds them: `litellm_params` first, then the standard AWS environment variables. A
 * deployment that would fail every call for want of a region or credentials is a config error
 * naming the keys, not a runtime 500.
 */
import { bedrockRuntimeEndpoint } from '../providers/bedrock/bedrock-target.ts';
import type { Env } from './env-refs.ts';
import type { LitellmParams } from './schema.ts';

/** Environment variables read for the region, in order (LiteLLM's, then the AWS SDKs'). */
export const AWS_REGION_ENV = ['AWS_REGION_NAME', 'AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/** The environment variable naming a runtime endpoint (a VPC endpoint, a proxy, a test mock). */
export const AWS_ENDPOINT_ENV = 'AWS_BEDROCK_RUNTIME_ENDPOINT';

/** What a Bedrock deployment gets beyond the common fields. */
export interface AwsDeploymentParams {
  /** The signing region. */
  readonly region: string;
  /** The runtime endpoint: configured, else the region's public one. */
  readonly apiBase: string;
  /** `aws_*` entries for `Deployment.extra`, read by the Bedrock codec. */
  readonly extra: Readonly<Record<string, string>>;
}

/** Where compileAwsParams() reports problems. */
export interface AwsParamsContext {
  readonly env: Env;
  /** `model_list[i].litellm_params`, for messages. */
  readonly at: string;
  readonly issues: string[];
  /** A Bedrock API key (`api_key` or AWS_BEARER_TOKEN_BEDROCK) is set: SigV4 keys are optional. */
  readonly hasApiKey: boolean;
}

/**
 * The AWS settings of `params`, or undefined after pushing an issue. Credentials come as a
 * pair from one place: keys in `litellm_params` are never completed, nor their session token
 * taken, from the environment, which may hold another account's.
 */
export function compileAwsParams(
  params: LitellmParams,
  context: AwsParamsContext,
): AwsDeploymentParams | undefined {
  const { at, issues } = context;
  const get = (name: string): string | undefined => {
    const value = context.env[name];
    return value === undefined || value === '' ? undefined : value;
  };

  const region =
    params.aws_region_name ?? params.region_name ?? AWS_REGION_ENV.map(get).find(Boolean);
  if (region === undefined) {
    issues.push(
      `${at}.aws_region_name: is required for bedrock/ models (or set ${AWS_REGION_ENV.join(', ')} in the environment)`,
    );
    return undefined;
  }

  const fromParams =
    params.aws_access_key_id !== undefined || params.aws_secret_access_key !== undefined;
  const accessKeyId = fromParams ? params.aws_access_key_id : get('AWS_ACCESS_KEY_ID');
  const secretAccessKey = fromParams ? params.aws_secret_access_key : get('AWS_SECRET_ACCESS_KEY');
  const sessionToken = fromParams ? params.aws_session_token : get('AWS_SESSION_TOKEN');
  if (fromParams && (accessKeyId === undefined || secretAccessKey === undefined)) {
    const missing = accessKeyId === undefined ? 'aws_access_key_id' : 'aws_secret_access_key';
    issues.push(
      `${at}.${missing}: is required with ${missing === 'aws_access_key_id' ? 'aws_secret_access_key' : 'aws_access_key_id'}`,
    );
    return undefined;
  }
  if (!context.hasApiKey && (accessKeyId === undefined || secretAccessKey === undefined)) {
    issues.push(
      `${at}.aws_access_key_id: bedrock/ models need AWS credentials: set aws_access_key_id and ` +
        'aws_secret_access_key (and aws_session_token for temporary credentials), or ' +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or a Bedrock API key ' +
        'as api_key / AWS_BEARER_TOKEN_BEDROCK',
    );
    return undefined;
  }

  const extra: Record<string, string> = { aws_region_name: region };
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    extra.aws_access_key_id = accessKeyId;
    extra.aws_secret_access_key = secretAccessKey;
    if (sessionToken !== undefined) extra.aws_session_token = sessionToken;
  }
  return {
    region,
    apiBase:
      params.aws_bedrock_runtime_endpoint ??
      get(AWS_ENDPOINT_ENV) ??
      bedrockRuntimeEndpoint(region),
    extra,
  };
}
