import type { GatewayRequestBody, JsonObject, Operation } from '../core/openai-types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ModelCatalog } from './model-catalog.ts';

/**
 * The field each operation cannot do without, and the JSON types OpenAI accepts for it
 * (`prompt` and `input` may be text, a list of texts or a list of token ids).
 */
const REQUIRED_FIELD: Readonly<
  Record<Operation, { name: string; accepts: 'array' | 'text-or-array' }>
> = {
  chat: { name: 'messages', accepts: 'array' },
  completion: { name: 'prompt', accepts: 'text-or-array' },
  embedding: { name: 'input', accepts: 'text-or-array' },
};

/**
 * Checks a parsed body before it reaches the engine, so bad input never costs an upstream call:
 * a JSON object, a string `model` naming a known group, a boolean `stream` when present, and the
 * operation's required field. Throws a BadRequestError naming the field (`param`); unknown
 * fields pass through untouched.
 */
export function validateRequestBody(
  operation: Operation,
  body: unknown,
  models: ModelCatalog,
): GatewayRequestBody {
  if (!isJsonObject(body)) throw invalid('The request body must be a JSON object.', null);
  const model = body.model;
  if (model === undefined || model === null) throw missing('model');
  if (typeof model !== 'string') throw wrongType('model', 'a string', model);
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw wrongType('stream', 'a boolean', stream);
  }
  checkRequiredField(operation, body);
  if (!models.has(model)) throw models.unknownModelError(model);
  return body as GatewayRequestBody;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRequiredField(operation: Operation, body: JsonObject): void {
  const field = REQUIRED_FIELD[operation];
  const value = body[field.name];
  if (value === undefined || value === null) throw missing(field.name);
  if (field.accepts === 'array') {
    if (!Array.isArray(value)) throw wrongType(field.name, 'an array', value);
    if (value.length === 0)
      throw invalid(`'${field.name}' must contain at least one item.`, field.name);
    return;
  }
  if (typeof value !== 'string' && !Array.isArray(value)) {
    throw wrongType(field.name, 'a string or an array', value);
  }
}

function missing(param: string): GatewayError {
  return invalid(`Missing required parameter: '${param}'.`, param);
}

// OpenAI's wording: "Invalid type for 'messages': expected an array, but got a string instead."
function wrongType(param: string, expected: string, value: unknown): GatewayError {
  return invalid(
    `Invalid type for '${param}': expected ${expected}, but got ${describeType(value)} instead.`,
    param,
  );
}

function invalid(message: string, param: string | null): GatewayError {
  return new GatewayError('BadRequestError', message, param === null ? {} : { param });
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
