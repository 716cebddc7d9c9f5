/**
 * OpenAI message content (a string or a list of parts) → Anthropic content blocks
 * (https://docs.anthropic.com/en/api/messages). Text parts become `text` blocks, `image_url`
 * parts `image` blocks (a `data:` URL as base64, any other URL by reference), PDF files
 * `document` blocks. Parts already in Anthropic's shape pass through untouched, so a client can
 * send blocks Switchyard does not translate (e.g. `search_result`).
 */
import type { JsonObject } from '../../core/openai-types.ts';
import { asObject } from '../openai/error-mapping.ts';

/** One Anthropic content block. */
export type ContentBlock = JsonObject & { type: string };

/** Thrown for content Anthropic cannot take; the codec turns it into a BadRequestError. */
export class UnsupportedContentError extends Error {
  override readonly name = 'UnsupportedContentError';
}

/** Anthropic block types a client may send as parts, passed on as they are. */
const NATIVE_BLOCKS: ReadonlySet<string> = new Set([
  'image',
  'document',
  'search_result',
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
]);

/** `data:<media type>;base64,<data>` */
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/**
 * The blocks of one message's content. Empty text is dropped: Anthropic rejects empty text
 * blocks. `cacheControl` (a message-level `cache_control`) goes on the last block, as LiteLLM
 * places it.
 */
export function toContentBlocks(content: unknown, cacheControl?: unknown): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  if (typeof content === 'string') {
    if (content !== '') blocks.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      const block = toBlock(part);
      if (block !== undefined) blocks.push(block);
    }
  } else if (content !== undefined && content !== null) {
    throw new UnsupportedContentError('message content must be a string or a list of parts');
  }
  const last = blocks.at(-1);
  if (last !== undefined && cacheControl !== undefined && last.cache_control === undefined) {
    last.cache_control = cacheControl;
  }
  return blocks;
}

/** The text of `content` alone (a system prompt's parts are text only). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => asObject(part)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join('');
}

function toBlock(value: unknown): ContentBlock | undefined {
  const part = asObject(value);
  const type = part?.type;
  if (part === undefined || typeof type !== 'string') {
    throw new UnsupportedContentError('every content part must be an object with a type');
  }
  const cache = part.cache_control === undefined ? {} : { cache_control: part.cache_control };
  switch (type) {
    case 'text':
      if (typeof part.text !== 'string' || part.text === '') return undefined;
      return { type: 'text', text: part.text, ...cache };
    case 'image_url':
      return { ...fromUrl(imageUrlOf(part.image_url)), ...cache };
    case 'file':
      return { ...fromFile(asObject(part.file)), ...cache };
    case 'refusal':
      // An earlier refusal, replayed by the client: nothing Anthropic can take as input.
      return undefined;
    default:
      if (NATIVE_BLOCKS.has(type)) return part as ContentBlock;
      throw new UnsupportedContentError(`content part type '${type}' is not supported`);
  }
}

function imageUrlOf(value: unknown): string {
  const url = typeof value === 'string' ? value : asObject(value)?.url;
  if (typeof url !== 'string' || url === '') {
    throw new UnsupportedContentError('image_url parts need a url');
  }
  return url;
}

/** A base64 `data:` URL or a plain http(s) URL → an image or document block. */
function fromUrl(url: string): ContentBlock {
  const data = DATA_URL.exec(url);
  if (data !== null) return fromBase64(data[1]!, data[2]!);
  if (url.startsWith('data:')) {
    throw new UnsupportedContentError('data: URLs must be base64-encoded');
  }
  const kind = /\.pdf($|\?)/i.test(url) ? 'document' : 'image';
  return { type: kind, source: { type: 'url', url } };
}

/** OpenAI's `file` part with inline `file_data` (a data URL); uploaded file ids are not supported. */
function fromFile(file: Record<string, unknown> | undefined): ContentBlock {
  const data = file?.file_data;
  if (typeof data !== 'string') {
    throw new UnsupportedContentError('file parts need file_data (file_id is not supported)');
  }
  return fromUrl(data);
}

function fromBase64(mediaType: string, data: string): ContentBlock {
  const type = mediaType === 'application/pdf' ? 'document' : 'image';
  if (type === 'image' && !mediaType.startsWith('image/')) {
    throw new UnsupportedContentError(`media type '${mediaType}' is not supported`);
  }
  return { type, source: { type: 'base64', media_type: mediaType, data } };
}
