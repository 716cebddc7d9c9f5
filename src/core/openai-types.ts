/**
 * The slice of OpenAI's wire format the gateway reads. Bodies stay open records: fields we do
 * not know are passed through untouched, so new OpenAI parameters work without a release.
 */

/** The three request kinds the gateway routes. */
export type Operation = 'chat' | 'completion' | 'embedding';

export type JsonObject = Record<string, unknown>;

export interface ChatMessage extends JsonObject {
  role: string;
  content?: unknown;
}

/** Any OpenAI request body after parsing: `model` is the group the client asked for. */
export interface GatewayRequestBody extends JsonObject {
  model: string;
  stream?: boolean;
}

export interface ChatCompletionRequest extends GatewayRequestBody {
  messages: ChatMessage[];
}

export interface Usage extends JsonObject {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatChoice extends JsonObject {
  index: number;
  message: ChatMessage;
  finish_reason: string | null;
}

export interface ChatCompletion extends JsonObject {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
}

export interface ChatChunkChoice extends JsonObject {
  index: number;
  delta: Partial<ChatMessage>;
  finish_reason: string | null;
}

export interface ChatCompletionChunk extends JsonObject {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  usage?: Usage | null;
}

/** A decoded, non-streaming upstream answer: chat, completion or embedding body. */
export type ResponseBody = JsonObject;

/** One decoded stream event, ready to be written as `data: <json>` to the client. */
export type StreamChunk = JsonObject;
