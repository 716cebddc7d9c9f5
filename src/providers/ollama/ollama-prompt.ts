/**
 * Chat messages → one `/api/generate` prompt, for `ollama/` deployments.
 *
 * LiteLLM's `ollama_pt` writes the conversation as `### User:` / `### System:` /
 * `### Assistant:` blocks, merging consecutive turns of the same side (user, tool and function
 * messages are all the user's side; assistant tool calls are appended as `Tool Calls: <json>`).
 * We write the same blocks, with one deliberate difference: system messages go to the request's
 * `system` field instead of a `### System:` block, so Ollama puts them where the model's own
 * template expects a system prompt.
 *
 * Ollama's /api/generate has no tools. Like LiteLLM, a request with `tools` asks for JSON output
 * and describes the functions in the system prompt; the answer is read back as a tool call when
 * it is exactly `{"name": …, "arguments": {…}}` (see ollama-response.ts).
 */
import type { JsonObject } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';
import { splitContent } from './ollama-content.ts';

/** What the messages become on /api/generate. */
export interface GeneratePrompt {
  readonly prompt: string;
  /** The system messages joined by blank lines; undefined when there are none. */
  readonly system: string | undefined;
  /** Base64 images of every message, in order. */
  readonly images: readonly string[];
}

const USER_SIDE = new Set(['user', 'tool', 'function']);

/** Builds the prompt of `messages` (an OpenAI `messages` array). */
export function toGeneratePrompt(
  messages: readonly unknown[],
  deploymentId: string,
): GeneratePrompt {
  const systems: string[] = [];
  const images: string[] = [];
  let prompt = '';
  let side: 'user' | 'assistant' | undefined;
  let block = '';

  const flush = (): void => {
    if (side !== undefined && block !== '') {
      prompt += `### ${side === 'user' ? 'User' : 'Assistant'}:\n${block}\n\n`;
    }
    block = '';
  };

  for (const raw of messages) {
    const message = asObject(raw);
    if (message === undefined) continue;
    const role = typeof message.role === 'string' ? message.role : 'user';
    const content = splitContent(message.content, deploymentId);
    images.push(...content.images);
    if (role === 'system' || role === 'developer') {
      if (content.text !== '') systems.push(content.text);
      continue;
    }
    const next = USER_SIDE.has(role) ? 'user' : 'assistant';
    if (next !== side) {
      flush();
      side = next;
    }
    block += content.text;
    if (next === 'assistant') block += toolCallsText(message);
  }
  flush();
  return {
    prompt,
    system: systems.length === 0 ? undefined : systems.join('\n\n'),
    images,
  };
}

/** An assistant turn's tool calls as LiteLLM writes them into the prompt. */
function toolCallsText(message: JsonObject): string {
  if (!Array.isArray(message.tool_calls) || message.tool_calls.length === 0) return '';
  const calls = message.tool_calls.map((raw) => {
    const call = asObject(raw) ?? {};
    const fn = asObject(call.function) ?? {};
    return {
      id: call.id,
      type: 'function',
      function: { name: fn.name, arguments: parseArguments(fn.arguments) },
    };
  });
  return `Tool Calls: ${JSON.stringify(calls, null, 2)}`;
}

/** OpenAI sends arguments as a JSON string; Ollama (and the prompt) want the object. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {};
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * The system-prompt text that asks a model without native tools for one JSON function call.
 * Our own wording of LiteLLM's `function_call_prompt`: the answer format first, then each
 * function's OpenAI definition on its own line.
 */
export function toolPrompt(tools: readonly unknown[]): string {
  const functions = tools
    .map((tool) => asObject(asObject(tool)?.function) ?? asObject(tool))
    .filter((fn) => fn !== undefined)
    .map((fn) => JSON.stringify(fn));
  return (
    'To call a function, answer with JSON only, exactly in this format: ' +
    '{"name": "<function name>", "arguments": {"<argument name>": <argument value>}}. ' +
    `The functions available to you:\n${functions.join('\n')}`
  );
}
