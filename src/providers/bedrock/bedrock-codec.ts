/**
 * AWS Bedrock through the Converse API: one wire format for every Bedrock chat model
 * (Anthropic, Meta, Mistral, Amazon, Cohere…). Requests are signed with SigV4, or carry a
 * Bedrock API key as a bearer token; streams arrive as AWS binary event streams.
 */
import { randomUUID } from 'node:crypto';
import type { Deployment } from '../../core/deployment.ts';
import type { ResponseBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { HttpCall, HttpCodec, ProviderRequest } from '../provider.ts';
import { readAwsEventStream } from '../transport/aws-event-stream.ts';
import { bedrockTarget, converseUrl, type BedrockTarget } from './bedrock-target.ts';
import { toConverseRequest } from './converse-request.ts';
import { fromConverseResponse, type CompletionStamp } from './converse-response.ts';
import { BEDROCK_ERROR_LABEL, mapBedrockError } from './error-mapping.ts';
import { signRequest } from './sign-request.ts';
import { createConverseStreamDecoder } from './stream-decoder.ts';

/** Options of createBedrockCodec(). */
export interface BedrockCodecOptions {
  /** Wall-clock ms: the signing time, `created`, Retry-After dates. Default Date.now. */
  readonly now?: () => number;
  /** A fresh completion id. Default `chatcmpl-<uuid>`. */
  readonly newId?: () => string;
}

/** The Bedrock codec, with LiteLLM's exception label for connection errors. */
export interface BedrockCodec extends HttpCodec {
  readonly errorLabel: string;
  encode(request: ProviderRequest): Promise<HttpCall>;
}

/** Creates the Bedrock Converse codec. */
export function createBedrockCodec(options: BedrockCodecOptions = {}): BedrockCodec {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => `chatcmpl-${randomUUID()}`);
  const stamp = (deployment: Deployment): CompletionStamp => ({
    id: newId(),
    created: Math.floor(now() / 1000),
    model: bedrockTarget(deployment).modelId,
  });

  return {
    name: 'bedrock',
    errorLabel: BEDROCK_ERROR_LABEL,
    async encode(request) {
      const { operation, deployment, body } = request;
      if (operation !== 'chat') {
        throw new GatewayError(
          'BadRequestError',
          `litellm.BadRequestError: ${BEDROCK_ERROR_LABEL} - ${operation} is not supported for bedrock/ deployments; this gateway serves Bedrock chat (/v1/chat/completions) through the Converse API`,
          { deploymentId: deployment.id },
        );
      }
      const target = bedrockTarget(deployment);
      const stream = body.stream === true;
      const unsigned = {
        method: 'POST' as const,
        url: converseUrl(target, stream),
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'application/vnd.amazon.eventstream' : 'application/json',
        },
        body: JSON.stringify(attributed(() => toConverseRequest(body), deployment)),
      };
      return { ...unsigned, headers: await authorize(unsigned, target, new Date(now())) };
    },
    decode: (_operation, payload, deployment): ResponseBody =>
      attributed(() => fromConverseResponse(payload, stamp(deployment)), deployment),
    createStreamDecoder: (_operation, deployment) =>
      createConverseStreamDecoder(deployment, stamp(deployment)),
    frameStream: readAwsEventStream,
    mapError: (failure) => mapBedrockError(failure, now()),
  };
}

/** `run()`'s result; a GatewayError it throws is attributed to `deployment`. */
function attributed<T>(run: () => T, deployment: Deployment): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof GatewayError && error.deploymentId === undefined) {
      throw new GatewayError(error.kind, error.message, {
        deploymentId: deployment.id,
        cause: error,
      });
    }
    throw error;
  }
}

/** The headers with credentials: a bearer API key as is, else a SigV4 signature. */
async function authorize(
  call: { method: 'POST'; url: string; headers: Record<string, string>; body: string },
  target: BedrockTarget,
  signingDate: Date,
): Promise<Record<string, string>> {
  if (target.credentials === undefined) {
    return { ...call.headers, authorization: `Bearer ${target.bearerToken ?? ''}` };
  }
  return signRequest(call, { region: target.region, credentials: target.credentials, signingDate });
}
