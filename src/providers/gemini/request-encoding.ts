/**
 * An OpenAI chat request → a Gemini GenerateContent request
 * (https://ai.google.dev/api/generate-content#request-body). The body is built from an
 * allow-list: Gemini rejects unknown fields, and gateway-only fields (`fallbacks`, `api_base`,
 * `litellm_*`) must never leave the gateway, so nothing is copied that is not mapped here.
 */
import type { GatewayRequestBody, JsonObject } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';
import { encodeConversation, UnsupportedMessageError } from './contents.ts';

/**
 * OpenAI sampling parameters and their Gemini `generationConfig` names. `max_tokens` and
 * `max_completion_tokens` both mean the output budget.
 */
const GENERATION_FIELDS: readonly (readonly [string, string])[] = [
  ['max_tokens', 'maxOutputTokens'],
  ['max_completion_tokens', 'maxOutputTokens'],
  ['temperature', 'temperature'],
  ['top_p', 'topP'],
  ['n', 'candidateCount'],
  ['presence_penalty', 'presencePenalty'],
  ['frequency_penalty', 'frequencyPenalty'],
  ['seed', 'seed'],
];

/** The GenerateContent body for `body`. Throws UnsupportedMessageError for what cannot map. */
export function encodeGenerateContent(body: GatewayRequestBody): JsonObject {
  if (!Array.isArray(body.messages)) throw new UnsupportedMessageError('messages must be a list');
  const { contents, systemInstruction } = encodeConversation(body.messages as unknown[]);
  const out: JsonObject = { contents };
  if (systemInstruction !== undefined) out.systemInstruction = systemInstruction;
  const generationConfig = encodeGenerationConfig(body);
  if (Object.keys(generationConfig).length > 0) out.generationConfig = generationConfig;
  const tools = encodeTools(body.tools);
  if (tools !== undefined) out.tools = tools;
  const toolConfig = encodeToolChoice(body.tool_choice);
  if (toolConfig !== undefined && tools !== undefined) out.toolConfig = toolConfig;
  return out;
}

function encodeGenerationConfig(body: GatewayRequestBody): JsonObject {
  const config: JsonObject = {};
  for (const [openai, gemini] of GENERATION_FIELDS) {
    const value = body[openai];
    if (typeof value === 'number') config[gemini] = value;
  }
  const stop = body.stop;
  if (typeof stop === 'string') config.stopSequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) config.stopSequences = stop;
  const format = asObject(body.response_format);
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const schema = asObject(asObject(format.json_schema)?.schema);
    // JSON Schema as written (Gemini 2.x): the OpenAPI-subset `responseSchema` would reject it.
    if (schema !== undefined) config.responseJsonSchema = schema;
  }
  return config;
}

/** OpenAI `tools` → one Gemini tool holding every function declaration. */
function encodeTools(tools: unknown): JsonObject[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const declarations = tools.map((raw, index) => {
    const fn = asObject(asObject(raw)?.function);
    if (typeof fn?.name !== 'string') {
      throw new UnsupportedMessageError(`tools[${index}]: only function tools are supported`);
    }
    const declaration: JsonObject = { name: fn.name };
    if (typeof fn.description === 'string') declaration.description = fn.description;
    const parameters = asObject(fn.parameters);
    // Gemini refuses an object schema without properties: a function without parameters.
    if (parameters !== undefined && hasProperties(parameters)) {
      declaration.parameters = toGeminiSchema(parameters);
    }
    return declaration;
  });
  return [{ functionDeclarations: declarations }];
}

function hasProperties(schema: Record<string, unknown>): boolean {
  const properties = asObject(schema.properties);
  return properties === undefined || Object.keys(properties).length > 0;
}

/**
 * Keywords of JSON Schema that Gemini's OpenAPI-subset `parameters` rejects; they are dropped at
 * every depth (LiteLLM does the same). Everything else is kept as written.
 */
const UNSUPPORTED_SCHEMA_KEYS = new Set(['$schema', '$id', 'additionalProperties', 'strict']);

function toGeminiSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toGeminiSchema);
  const object = asObject(value);
  if (object === undefined) return value;
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(object)) {
    if (UNSUPPORTED_SCHEMA_KEYS.has(key)) continue;
    // Under `properties` the keys are field names, never keywords: keep them all.
    out[key] = key === 'properties' ? mapValues(inner) : toGeminiSchema(inner);
  }
  return out;
}

function mapValues(value: unknown): unknown {
  const object = asObject(value);
  if (object === undefined) return value;
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, toGeminiSchema(v)]));
}

/** `tool_choice` → `toolConfig.functionCallingConfig`: auto, none, required, or one function. */
function encodeToolChoice(choice: unknown): JsonObject | undefined {
  let config: JsonObject | undefined;
  if (choice === 'auto') config = { mode: 'AUTO' };
  else if (choice === 'none') config = { mode: 'NONE' };
  else if (choice === 'required') config = { mode: 'ANY' };
  else {
    const name = asObject(asObject(choice)?.function)?.name;
    if (typeof name === 'string') config = { mode: 'ANY', allowedFunctionNames: [name] };
  }
  return config === undefined ? undefined : { functionCallingConfig: config };
}
