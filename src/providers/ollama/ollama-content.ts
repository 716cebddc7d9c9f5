/**
 * OpenAI message content → what Ollama takes: plain text plus base64 images
 * (https://github.com/ollama/ollama/blob/main/docs/api.md, `images` on /api/generate and on each
 * /api/chat message). Shared by both Ollama codecs.
 */
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject } from '../openai/error-mapping.ts';

/** LiteLLM's exception label for both `ollama/` and `ollama_chat/`. */
export const OLLAMA_LABEL = 'OllamaException';

/** A BadRequestError for a request Ollama cannot be given, named as LiteLLM names it. */
export function ollamaBadRequest(message: string, deploymentId: string): GatewayError {
  return new GatewayError(
    'BadRequestError',
    `litellm.BadRequestError: ${OLLAMA_LABEL} - ${message}`,
    {
      deploymentId,
    },
  );
}

/** The text and images of one message's `content`. */
export interface SplitContent {
  readonly text: string;
  /** Base64 image data, without the `data:` prefix. */
  readonly images: readonly string[];
}

/**
 * Splits OpenAI content (a string, or a list of `text` / `image_url` parts) into text and
 * images. Text parts are joined without a separator, as LiteLLM does. Only inline `data:` image
 * URLs are accepted: fetching a remote image would be I/O inside a codec, so an `http(s)` image
 * is a BadRequestError naming the problem.
 */
export function splitContent(content: unknown, deploymentId: string): SplitContent {
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) return { text: '', images: [] };
  let text = '';
  const images: string[] = [];
  for (const part of content) {
    const block = asObject(part);
    if (block?.type === 'text' && typeof block.text === 'string') text += block.text;
    if (block?.type === 'image_url') images.push(imageData(block.image_url, deploymentId));
  }
  return { text, images };
}

function imageData(imageUrl: unknown, deploymentId: string): string {
  const url = typeof imageUrl === 'string' ? imageUrl : asObject(imageUrl)?.url;
  if (typeof url !== 'string' || url === '') {
    throw ollamaBadRequest('image_url has no url', deploymentId);
  }
  const match = /^data:[^;,]*;base64,(.*)$/s.exec(url);
  if (match !== null) return match[1]!;
  if (/^https?:/i.test(url)) {
    throw ollamaBadRequest('image URLs must be inline data: URLs (base64)', deploymentId);
  }
  // A bare base64 string, as Ollama itself takes.
  return url;
}
