/**
 * AWS Signature Version 4 for Bedrock runtime calls
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
 * computed by @smithy/signature-v4, the signer the AWS SDKs use. Signing is local CPU work:
 * no credential lookup, no network.
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from './bedrock-target.ts';

/** The SigV4 service name of the Bedrock runtime (not `bedrock-runtime`). */
export const BEDROCK_SIGNING_SERVICE = 'bedrock';

/** What to sign: the call as the transport will send it. */
export interface UnsignedCall {
  readonly method: 'POST' | 'GET';
  readonly url: string;
  /** Lower-case names. `host` is added from the URL. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Options of signRequest(). */
export interface SigningOptions {
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** The signing time. Part of the signature: AWS rejects one more than 5 minutes off. */
  readonly signingDate: Date;
  /** The SigV4 service. Default `bedrock`. */
  readonly service?: string;
}

interface Smithy {
  readonly SignatureV4: typeof SignatureV4;
  /** SHA-256 as the signer's checksum constructor wants it. */
  readonly Sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256'];
}

let loading: Promise<Smithy> | undefined;

/**
 * The signer's modules, loaded on the first signature and kept: a gateway without Bedrock
 * deployments never loads @smithy/*.
 */
function smithy(): Promise<Smithy> {
  loading ??= Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')]).then(
    ([signer, hash]) => ({
      SignatureV4: signer.SignatureV4,
      Sha256: hash.Hash.bind(null, 'sha256'),
    }),
  );
  return loading;
}

/**
 * The headers to send: `headers` plus `host`, `x-amz-date`, `x-amz-content-sha256`,
 * `x-amz-security-token` (temporary credentials) and `authorization`. The path is signed as
 * sent (already percent-encoded) and escaped once more, as SigV4 requires for every service
 * but S3.
 */
export async function signRequest(
  call: UnsignedCall,
  options: SigningOptions,
): Promise<Record<string, string>> {
  const { SignatureV4, Sha256 } = await smithy();
  const url = new URL(call.url);
  const signer = new SignatureV4({
    service: options.service ?? BEDROCK_SIGNING_SERVICE,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: call.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...call.headers, host: url.host },
      body: call.body,
    },
    { signingDate: options.signingDate },
  );
  return { ...signed.headers };
}
