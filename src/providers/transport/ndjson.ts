/**
 * Newline-delimited JSON framing (https://github.com/ndjson/ndjson-spec): one JSON value per
 * line, as Ollama streams its answers. Each non-blank line becomes one event whose `data` is the
 * line's text; the decoder parses it. This is framing only, like sse.ts: nothing here knows a
 * provider's message shapes.
 */
import { StringDecoder } from 'node:string_decoder';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { SseEvent } from '../provider.ts';

/**
 * Longest line buffered by default, in characters: a guard against an upstream that streams one
 * endless line. Far above any real chunk (Ollama's final line carries the whole `context` token
 * array of /api/generate, a few hundred KB at most).
 */
export const MAX_NDJSON_LINE_CHARS = 16 * 1024 * 1024;

/** Options of readNdjsonEvents(). */
export interface NdjsonOptions {
  /** Longest line accepted, in characters. Default MAX_NDJSON_LINE_CHARS. */
  readonly maxLineChars?: number;
}

/**
 * The lines of an NDJSON byte stream as events (`event` undefined, `data` the line without its
 * terminator), in order. Bytes are decoded as one UTF-8 stream, so a character split between
 * network chunks survives; `\r\n` endings are accepted; blank lines (keep-alives) are skipped; a
 * last line without a newline still counts. A line longer than `maxLineChars` is a BadGateway
 * error. Errors of `body` propagate unchanged.
 */
export async function* readNdjsonEvents(
  body: AsyncIterable<Uint8Array>,
  options: NdjsonOptions = {},
): AsyncGenerator<SseEvent> {
  const maxLineChars = options.maxLineChars ?? MAX_NDJSON_LINE_CHARS;
  // StringDecoder: no ICU converter per stream (see sse.ts).
  const decoder = new StringDecoder('utf8');
  let pending = '';

  for await (const chunk of body) {
    pending += decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      const event = toEvent(pending.slice(start, end), maxLineChars);
      start = end + 1;
      if (event !== undefined) yield event;
    }
    pending = pending.slice(start);
    // Checked after the complete lines are out: only the unterminated rest can run away.
    if (pending.length > maxLineChars) throw tooLong(maxLineChars);
  }
  pending += decoder.end();
  const last = toEvent(pending, maxLineChars);
  if (last !== undefined) yield last;
}

function toEvent(rawLine: string, maxLineChars: number): SseEvent | undefined {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (line.length > maxLineChars) throw tooLong(maxLineChars);
  if (line.trim() === '') return undefined;
  return { event: undefined, data: line };
}

function tooLong(maxLineChars: number): GatewayError {
  return new GatewayError(
    'BadGatewayError',
    `Upstream stream line exceeded ${maxLineChars} characters`,
  );
}
