/**
 * OpenAI embeddings on Google: Gemini's `batchEmbedContents`
 * (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents) and Vertex AI's
 * text-embedding `predict` (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api).
 * Only text inputs: token-id arrays cannot be sent to either.
 */
import type { GatewayRequestBody, JsonObject } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';
import { UnsupportedMessageError } from './contents.ts';

/** The two embedding wire formats, by the method their URL ends with. */
export type EmbeddingMethod = 'batchEmbedContents' | 'predict';

/** The input texts of an embedding request (`input`: a string or a list of strings). */
function inputTexts(body: GatewayRequestBody): string[] {
  const input = body.input;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')) {
    return input;
  }
  throw new UnsupportedMessageError('input must be a string or a list of strings');
}

/** The upstream body for `method`. `dimensions` becomes `outputDimensionality`. */
export function encodeEmbedding(
  method: EmbeddingMethod,
  body: GatewayRequestBody,
  upstreamModel: string,
): JsonObject {
  const texts = inputTexts(body);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
  if (method === 'predict') {
    const out: JsonObject = { instances: texts.map((content) => ({ content })) };
    if (dimensions !== undefined) out.parameters = { outputDimensionality: dimensions };
    return out;
  }
  return {
    requests: texts.map((text) => ({
      model: `models/${upstreamModel}`,
      content: { parts: [{ text }] },
      ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
    })),
  };
}

/**
 * The OpenAI embedding list for an upstream answer, or undefined when it has no vectors.
 * Vertex reports tokens per input (`statistics.token_count`); Gemini reports none, so its
 * usage is 0 (LiteLLM estimates it with a tokenizer instead).
 */
export function decodeEmbedding(
  method: EmbeddingMethod,
  payload: Record<string, unknown>,
  model: string,
): JsonObject | undefined {
  const items = method === 'predict' ? payload.predictions : payload.embeddings;
  if (!Array.isArray(items)) return undefined;
  let tokens = 0;
  const data = (items as unknown[]).map((raw, index) => {
    const item = asObject(raw);
    const embedding = method === 'predict' ? asObject(item?.embeddings) : item;
    const count = asObject(embedding?.statistics)?.token_count;
    if (typeof count === 'number') tokens += count;
    const values = Array.isArray(embedding?.values) ? embedding.values : [];
    return { object: 'embedding', index, embedding: values };
  });
  return {
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
