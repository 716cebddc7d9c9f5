/** Small `node:http` helpers shared by every mock: reading, parsing, answering, counting. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

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

/** Sends `body` as JSON; `headers` go after the content headers, so they may override them. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
  contentType = 'application/json',
): void {
  send(res, status, JSON.stringify(body), headers, contentType);
}

/** Lower-case header names to one value each; repeated headers joined with `, `. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Request counts of a mock that keeps every request: in total and by path. */
export function countByPath(requests: readonly { readonly path: string }[]): {
  total: number;
  byPath: Record<string, number>;
} {
  const byPath: Record<string, number> = {};
  for (const { path } of requests) byPath[path] = (byPath[path] ?? 0) + 1;
  return { total: requests.length, byPath };
}

/** 204, the control API's answer to a command. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
