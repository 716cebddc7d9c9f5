/**
 * What `gemini/…` and `vertex_ai/…` deployments need beyond the common keys, resolved once at
 * start-up so a missing project, an unreadable credentials file or a malformed key fails
 * `switchyard check` with the key named, instead of failing the first request.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Env } from './env-refs.ts';
import type { LitellmParams } from './schema.ts';
import { isPlainObject } from './secrets.ts';

/** What a Google deployment adds to its Deployment: a derived `api_base`, region, extras. */
export interface GoogleOverrides {
  readonly apiBase?: string;
  readonly region?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Where one Google deployment's settings come from. */
export interface GoogleParamsInput {
  readonly provider: string;
  readonly params: LitellmParams;
  readonly env: Env;
  /** The key the deployment will send (`api_key`, else the provider's environment variable). */
  readonly apiKey: string | undefined;
  /** `model_list[i].litellm_params`, for messages. */
  readonly at: string;
  /** Where problems go, one line each. */
  readonly issues: string[];
}

/** Credential types Vertex AI deployments may use; others are refused (see vertexCredentials). */
const CREDENTIAL_TYPES = ['service_account', 'authorized_user'] as const;

/**
 * The overrides for a Google deployment (`{}` for every other provider), or undefined after
 * pushing the problems onto `input.issues`. A `mock_response` deployment needs nothing.
 */
export function compileGoogleParams(input: GoogleParamsInput): GoogleOverrides | undefined {
  if (input.params.mock_response !== undefined) return {};
  if (input.provider === 'vertex_ai') return compileVertex(input);
  if (input.provider === 'gemini' && (input.apiKey === undefined || input.apiKey === '')) {
    input.issues.push(
      `${input.at}.api_key: is required for gemini/ models (or set GEMINI_API_KEY or GOOGLE_API_KEY in the environment)`,
    );
    return undefined;
  }
  return {};
}

/**
 * Vertex AI: project, location and credentials, each from `litellm_params` or LiteLLM's
 * environment variables. The project may also come from the service account's `project_id`, as
 * LiteLLM does. The location becomes the deployment's `region_name` when none is set, and its
 * regional host the `api_base`, so region filtering and `x-litellm-model-api-base` see them.
 */
function compileVertex(input: GoogleParamsInput): GoogleOverrides | undefined {
  const { params, env, at, issues } = input;
  const before = issues.length;
  const credentials = vertexCredentials(input);
  const location = params.vertex_location ?? nonEmpty(env.VERTEXAI_LOCATION);
  if (location === undefined) {
    issues.push(
      `${at}.vertex_location: is required for vertex_ai/ models, e.g. us-central1 (or set VERTEXAI_LOCATION in the environment)`,
    );
  } else if (!/^[a-z0-9-]+$/.test(location)) {
    issues.push(`${at}.vertex_location: expected a Google Cloud location such as us-central1`);
  }
  const project =
    params.vertex_project ??
    nonEmpty(env.VERTEXAI_PROJECT) ??
    (typeof credentials?.json.project_id === 'string' ? credentials.json.project_id : undefined);
  if (project === undefined && credentials !== undefined) {
    issues.push(
      `${at}.vertex_project: is required for vertex_ai/ models (or set VERTEXAI_PROJECT in the environment)`,
    );
  }
  if (issues.length > before || credentials === undefined || location === undefined) {
    return undefined;
  }
  return {
    apiBase: params.api_base ?? vertexHost(location),
    region: params.region_name ?? location,
    extra: {
      vertex_project: project,
      vertex_location: location,
      vertex_credentials: credentials.text,
    },
  };
}

/** Vertex AI's host for `location`; `global` has no regional prefix. */
export function vertexHost(location: string): string {
  return location === 'global'
    ? 'https://aiplatform.googleapis.com'
    : `https://${location}-aiplatform.googleapis.com`;
}

interface Credentials {
  /** The JSON text, kept for the provider (a secret). */
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/**
 * The credentials JSON: `vertex_credentials` (a path, the JSON text, or a YAML mapping), else
 * VERTEXAI_CREDENTIALS (path or JSON), else GOOGLE_APPLICATION_CREDENTIALS (a path). Messages
 * name the key or variable and the file path, never the content.
 */
function vertexCredentials(input: GoogleParamsInput): Credentials | undefined {
  const { params, env, at, issues } = input;
  const configured = params.vertex_credentials;
  const sources: [string, unknown][] = [
    [`${at}.vertex_credentials`, configured],
    [`${at}.vertex_credentials (from VERTEXAI_CREDENTIALS)`, nonEmpty(env.VERTEXAI_CREDENTIALS)],
    [
      `${at}.vertex_credentials (from GOOGLE_APPLICATION_CREDENTIALS)`,
      nonEmpty(env.GOOGLE_APPLICATION_CREDENTIALS),
    ],
  ];
  const found = sources.find(([, value]) => value !== undefined);
  if (found === undefined) {
    issues.push(
      `${at}.vertex_credentials: is required for vertex_ai/ models: a service-account JSON file's path or its JSON (or set VERTEXAI_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS in the environment)`,
    );
    return undefined;
  }
  const [where, value] = found;
  const text = credentialsText(value, where, issues);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    issues.push(`${where}: is not valid JSON`);
    return undefined;
  }
  if (!isPlainObject(json)) {
    issues.push(`${where}: expected a JSON object`);
    return undefined;
  }
  const problem = credentialsProblem(json);
  if (problem !== undefined) {
    issues.push(`${where}: ${problem}`);
    return undefined;
  }
  return { text, json };
}

/** The JSON text of a mapping, an inline JSON string, or the file a path names. */
function credentialsText(value: unknown, where: string, issues: string[]): string | undefined {
  if (isPlainObject(value)) return JSON.stringify(value);
  const text = String(value);
  if (text.trim().startsWith('{')) return text;
  try {
    return readFileSync(text, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    issues.push(`${where}: cannot read the credentials file ${text} (${code})`);
    return undefined;
  }
}

/**
 * What is wrong with a credentials object, if anything. Only the two types the provider builds
 * a client for are accepted: loading other types (external accounts run commands and fetch
 * URLs named in the file) is what Google warns against for configuration from elsewhere.
 */
function credentialsProblem(json: Record<string, unknown>): string | undefined {
  const type = json.type;
  if (!CREDENTIAL_TYPES.includes(type as (typeof CREDENTIAL_TYPES)[number])) {
    return `unsupported credentials type ${JSON.stringify(type)}; expected ${CREDENTIAL_TYPES.join(' or ')}`;
  }
  const required =
    type === 'service_account'
      ? ['client_email', 'private_key']
      : ['client_id', 'client_secret', 'refresh_token'];
  const missing = required.filter((field) => typeof json[field] !== 'string' || json[field] === '');
  if (missing.length > 0) return `${String(type)} credentials lack ${missing.join(', ')}`;
  if (type === 'service_account') {
    try {
      createPrivateKey(json.private_key as string);
    } catch {
      return 'private_key is not a valid PEM private key';
    }
  }
  if (json.token_uri !== undefined && !isHttpUrl(json.token_uri)) {
    return 'token_uri is not an http(s) URL';
  }
  return undefined;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
