/**
 * OAuth access tokens for Vertex AI deployments, from google-auth-library. One auth client per
 * deployment, built at start-up (prepare) and kept: the library caches its token and fetches a
 * new one shortly before expiry, so requests pay for a token exchange only about once an hour.
 * The library is loaded on first use, so gateways without Vertex deployments never load it.
 *
 * Credentials and tokens are secrets: no message built here contains either.
 */
import type { Deployment } from '../../core/deployment.ts';
import { kindForStatus, type ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type * as GoogleAuthLibrary from 'google-auth-library';
import type { Transport } from '../transport/transport.ts';
import { fetchOverTransport } from './transport-fetch.ts';

/** The scope Vertex AI accepts (LiteLLM asks for the same). */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Where google-auth-library sends every token request, whatever the credentials say. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Gives the `Authorization` header for a deployment's next call. */
export interface VertexTokenSource {
  /** Builds the deployment's auth client (no network). Idempotent. */
  prepare(deployment: Deployment): void;
  /** `Bearer <token>`, fetching a token only when the cached one is missing or expiring. */
  authorization(deployment: Deployment, signal: AbortSignal): Promise<string>;
}

/** Options of createVertexTokenSource(). */
export interface VertexTokenSourceOptions {
  /** Carries the token requests. */
  readonly transport: Transport;
  /** LiteLLM's exception label, for error messages. */
  readonly label: string;
}

/** One deployment's client, with the credentials it was built from. */
interface Entry {
  readonly credentials: string;
  /** The next token; concurrent requests share one call to the library. */
  token(): Promise<string>;
}

type Library = typeof GoogleAuthLibrary;
let library: Promise<Library> | undefined;

/** Creates the token source shared by every Vertex AI deployment of a registry. */
export function createVertexTokenSource(options: VertexTokenSourceOptions): VertexTokenSource {
  const entries = new Map<string, Entry>();

  function entryFor(deployment: Deployment): Entry {
    const credentials = deployment.extra.vertex_credentials;
    if (typeof credentials !== 'string') {
      throw new GatewayError(
        'GatewayInternalError',
        `Deployment ${deployment.id} (vertex_ai) has no credentials`,
        { deploymentId: deployment.id },
      );
    }
    // Keyed by id, and rebuilt if the same id comes with other credentials (a reloaded config).
    let entry = entries.get(deployment.id);
    if (entry?.credentials !== credentials) {
      entry = createEntry(credentials, options.transport);
      entries.set(deployment.id, entry);
    }
    return entry;
  }

  return {
    prepare(deployment) {
      entryFor(deployment);
    },
    async authorization(deployment, signal) {
      try {
        return `Bearer ${await raceAbort(entryFor(deployment).token(), signal)}`;
      } catch (error) {
        if (signal.aborted && error === signal.reason) throw error;
        throw tokenError(error, options.label, deployment.id);
      }
    },
  };
}

function createEntry(credentials: string, transport: Transport): Entry {
  const json = JSON.parse(credentials) as Record<string, string | undefined>;
  const tokenUri = json.token_uri;
  const fetchImplementation = fetchOverTransport(transport, {
    // google-auth-library always posts to Google's endpoint; the credentials' own `token_uri`
    // (a private universe, a test's loopback server) wins, as in Google's Python library.
    rewrite: (url) => (tokenUri !== undefined && url === GOOGLE_TOKEN_URL ? tokenUri : url),
  });
  const client = (library ??= import('google-auth-library')).then((lib) => {
    const transporter = new lib.gaxios.Gaxios({ fetchImplementation });
    // One try per call: the router retries and fails over; a library backing off for seconds
    // would only hold the request past its deadline.
    transporter.interceptors.request.add({
      resolved: (config) => Promise.resolve({ ...config, retry: false, retryConfig: { retry: 0 } }),
    });
    const common = { transporter, eagerRefreshThresholdMillis: 5 * 60_000 };
    return json.type === 'authorized_user'
      ? new lib.UserRefreshClient({
          ...common,
          clientId: json.client_id,
          clientSecret: json.client_secret,
          refreshToken: json.refresh_token,
        })
      : new lib.JWT({
          ...common,
          email: json.client_email,
          key: json.private_key,
          keyId: json.private_key_id,
          scopes: [CLOUD_PLATFORM_SCOPE],
        });
  });
  // A failed load resurfaces on every call, not as an unhandled rejection at start-up.
  client.catch(() => undefined);
  let pending: Promise<string> | undefined;
  return {
    credentials,
    token() {
      pending ??= client
        .then((auth) => auth.getAccessToken())
        .then(({ token }) => {
          if (typeof token !== 'string' || token === '') throw new Error('no access token');
          return token;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}

/** `promise`, or the signal's reason as soon as it aborts (the token call itself goes on). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

/**
 * A failed token exchange as a GatewayError: unreachable → APIConnectionError; refused
 * credentials (`invalid_grant`, 400/401/403) → AuthenticationError; else by status. Only the
 * library's message is kept (`invalid_grant: Invalid JWT Signature.`), never its request.
 */
function tokenError(error: unknown, label: string, deploymentId: string): GatewayError {
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  const message = error instanceof Error ? error.message : String(error);
  let kind: ErrorKind;
  if (typeof status !== 'number') kind = 'APIConnectionError';
  else if (status === 400 || status === 401 || status === 403) kind = 'AuthenticationError';
  else kind = kindForStatus(status);
  return new GatewayError(
    kind,
    `litellm.${kind}: ${label} - could not get an access token: ${message.slice(0, 300)}`,
    { deploymentId, ...(typeof status === 'number' ? { upstreamStatus: status } : {}) },
  );
}
