/** Small `node:http` helpers shared by the mock's API and control handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Handles one request; `url` is `req.url`, already defaulted. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, url: string) => void;

/** A request body: parsed JSON, or the raw text when it is not JSON. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; raw: string };

/** The request target without its query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Collects the request body as text and calls `done` once it is complete. */
export function readBody(req: IncomingMessage, done: (raw: string) => void): void {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    raw += chunk;
  });
  req.on('end', () => done(raw));
  // A client that goes away mid-body is not the mock's failure; nothing to answer.
  req.on('error', () => undefined);
}

/** Empty → `null`; JSON → its value; anything else is malformed. */
export function parseBody(raw: string): ParsedBody {
  if (raw.length === 0) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, raw };
  }
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sends a complete body with its length, so keep-alive connections need no chunking. */
export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>>,
  contentType = 'application/json',
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** 204, the control API's answer to a command. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
