/**
 * OpenAI chat messages → Anthropic's `system` + `messages`
 * (https://docs.anthropic.com/en/api/messages). Anthropic keeps the system prompt out of the
 * conversation, expects user and assistant turns to alternate, carries tool calls as `tool_use`
 * blocks of the assistant and their results as `tool_result` blocks of the next user turn.
 */
import type { JsonObject } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';
import { type ContentBlock, toContentBlocks, UnsupportedContentError } from './content-blocks.ts';

/** One Anthropic turn. */
export interface AnthropicMessage extends JsonObject {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/** The conversation in Anthropic's shape. */
export interface AnthropicConversation {
  /** System and developer messages, in order, as text blocks; empty when there were none. */
  readonly system: ContentBlock[];
  readonly messages: AnthropicMessage[];
}

/**
 * Translates `messages` (OpenAI's list). System and developer messages, wherever they stand,
 * are lifted into `system`; consecutive messages of one role (two user messages, a run of tool
 * results) merge into one turn, since Anthropic requires alternation; messages left with no
 * content are dropped, since Anthropic rejects empty turns. Throws UnsupportedContentError for
 * what Anthropic cannot take (unknown roles, tool-call arguments that are not a JSON object).
 */
export function toAnthropicConversation(messages: unknown): AnthropicConversation {
  if (!Array.isArray(messages)) throw new UnsupportedContentError('messages must be a list');
  const system: ContentBlock[] = [];
  const turns: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: ContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  for (const value of messages) {
    const message = asObject(value);
    const role = message?.role;
    if (message === undefined || typeof role !== 'string') {
      throw new UnsupportedContentError('every message must be an object with a role');
    }
    const blocks = toContentBlocks(message.content, message.cache_control);
    switch (role) {
      case 'system':
      case 'developer':
        system.push(...blocks.filter((block) => block.type === 'text'));
        break;
      case 'user':
        push('user', blocks);
        break;
      case 'assistant':
        push('assistant', [...blocks, ...toolUseBlocks(message.tool_calls)]);
        break;
      case 'tool':
        push('user', [toolResult(message)]);
        break;
      default:
        throw new UnsupportedContentError(`message role '${role}' is not supported`);
    }
  }
  for (const turn of turns) if (turn.role === 'user') toolResultsFirst(turn);
  return { system, messages: turns };
}

/** An assistant's `tool_calls` → `tool_use` blocks, arguments parsed into `input`. */
function toolUseBlocks(toolCalls: unknown): ContentBlock[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.map((value) => {
    const call = asObject(value);
    const fn = asObject(call?.function);
    if (typeof call?.id !== 'string' || typeof fn?.name !== 'string') {
      throw new UnsupportedContentError('every tool call needs an id and a function name');
    }
    return { type: 'tool_use', id: call.id, name: fn.name, input: parseArguments(call.id, fn) };
  });
}

/** Tool-call arguments are a JSON string in OpenAI's format and an object in Anthropic's. */
function parseArguments(id: string, fn: Record<string, unknown>): unknown {
  const raw = fn.arguments;
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw;
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : undefined;
  } catch {
    parsed = undefined;
  }
  if (asObject(parsed) === undefined) {
    throw new UnsupportedContentError(`tool call ${id}: arguments are not a JSON object`);
  }
  return parsed;
}

/** A `tool` message → a `tool_result` block answering its `tool_call_id`. */
function toolResult(message: Record<string, unknown>): ContentBlock {
  const id = message.tool_call_id;
  if (typeof id !== 'string' || id === '') {
    throw new UnsupportedContentError('tool messages need a tool_call_id');
  }
  const { content } = message;
  const block: ContentBlock = { type: 'tool_result', tool_use_id: id };
  if (typeof content === 'string') block.content = content;
  else if (Array.isArray(content)) block.content = toContentBlocks(content);
  return block;
}

/** Anthropic wants a user turn's tool results before any text that follows them. */
function toolResultsFirst(turn: AnthropicMessage): void {
  const results = turn.content.filter((block) => block.type === 'tool_result');
  if (results.length === 0 || results.length === turn.content.length) return;
  turn.content = [...results, ...turn.content.filter((block) => block.type !== 'tool_result')];
}
