/**
 * How the Bedrock mock checks a caller, as AWS does: a SigV4 signature is recomputed from the
 * request as received (method, raw path, signed headers, body) with @smithy/signature-v4 and the
 * secret the mock knows for the access key; a bearer token must be a known Bedrock API key.
 * Deliberately independent of the gateway's signing code, so a bug there cannot verify itself.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** Credentials the mock accepts. */
export interface MockAwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When set, a request with these keys must carry this `x-amz-security-token`. */
  readonly sessionToken?: string;
}

/** A request as the mock received it. */
export interface ReceivedCall {
  readonly method: string;
  /** The raw request target, percent-encoding intact. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Why a call is refused: Bedrock's error type, status and message for it. */
export interface AuthFailure {
  readonly type: string;
  readonly status: number;
  readonly message: string;
}

/** What the mock trusts. */
export interface MockAuthOptions {
  readonly credentials: readonly MockAwsCredentials[];
  /** Bedrock API keys accepted as `Authorization: Bearer <key>`. */
  readonly apiKeys: readonly string[];
}

const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

const INVALID_TOKEN: AuthFailure = {
  type: 'UnrecognizedClientException',
  status: 403,
  message: 'The security token included in the request is invalid.',
};

/** Undefined when the call is authentic; else the failure Bedrock would answer. */
export async function checkAuth(
  call: ReceivedCall,
  options: MockAuthOptions,
): Promise<AuthFailure | undefined> {
  const authorization = header(call.headers, 'authorization') ?? '';
  if (authorization.startsWith('Bearer ')) {
    return options.apiKeys.includes(authorization.slice(7)) ? undefined : INVALID_TOKEN;
  }
  const match = SIGV4.exec(authorization);
  if (match === null) {
    return {
      type: 'MissingAuthenticationTokenException',
      status: 403,
      message: 'Missing Authentication Token',
    };
  }
  const [, accessKeyId, , region, service, signedList] = match;
  const known = options.credentials.find((c) => c.accessKeyId === accessKeyId);
  const token = header(call.headers, 'x-amz-security-token');
  if (known === undefined || (known.sessionToken !== undefined && token !== known.sessionToken)) {
    return INVALID_TOKEN;
  }
  const payloadHash = createHash('sha256').update(call.body).digest('hex');
  const claimedHash = header(call.headers, 'x-amz-content-sha256');
  const signedNames = signedList!.split(';');
  const expected = await recompute(call, {
    credentials: { ...known, ...(token === undefined ? {} : { sessionToken: token }) },
    region: region!,
    service: service!,
    signedNames,
  }).catch(() => '');
  if (expected !== authorization || (claimedHash !== undefined && claimedHash !== payloadHash)) {
    return {
      type: 'InvalidSignatureException',
      status: 403,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return undefined;
}

async function recompute(
  call: ReceivedCall,
  options: {
    credentials: MockAwsCredentials;
    region: string;
    service: string;
    signedNames: readonly string[];
  },
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of options.signedNames) headers[name] = header(call.headers, name) ?? '';
  const target = new URL(call.url, 'http://mock.invalid');
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: options.credentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: options.signedNames.includes('x-amz-content-sha256'),
  });
  const signed = await signer.sign(
    {
      method: call.method,
      protocol: 'http:',
      hostname: target.hostname,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers,
      body: call.body,
    },
    { signingDate: parseAmzDate(headers['x-amz-date'] ?? '') },
  );
  return signed.headers.authorization ?? '';
}

/** `20240102T030405Z` → that instant (an unparsable date yields an invalid one: no match). */
function parseAmzDate(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null) return new Date(Number.NaN);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
