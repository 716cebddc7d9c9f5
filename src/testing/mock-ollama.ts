/**
 * A fake Ollama server on a real loopback socket, speaking Ollama's native API: `/api/generate`,
 * `/api/chat` (NDJSON streams unless `stream: false`, as Ollama does) and `/api/embed`. For tests
 * of the `ollama/` and `ollama_chat/` providers; OpenAI-compatible servers use startMockUpstream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCountedQueue } from './counted-queue.ts';
import { countByPath, isRecord, parseBody, pathOf, readBody, sendJson } from './mock-http.ts';
import { listenOnLoopback } from './mock-loopback.ts';

/** An injected failure. Faults queue in order; the first matching one applies. */
export interface OllamaFault {
  /** HTTP status of the error answer. Default 500. Ignored with `streamErrorAfter`. */
  status?: number;
  /** The `error` text. Default: a realistic text for the status. */
  error?: string;
  /** Extra response headers, e.g. `{ 'retry-after': '2' }`. */
  headers?: Record<string, string>;
  /** Streams only: answer 200, send this many lines, then an `{"error": …}` line and end. */
  streamErrorAfter?: number;
  /** Only requests to this path (`/api/chat`). Default: every path. */
  path?: string;
  /** Apply to the next `times` matching requests, then clear. Default: until reset(). */
  times?: number;
}

/** One request as the mock received it. */
export interface OllamaRequest {
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body, or null when it was not JSON. */
  readonly body: Record<string, unknown> | null;
}

/** A running mock Ollama. */
export interface MockOllama {
  /** `http://127.0.0.1:<port>`: what `api_base` points at. */
  readonly url: string;
  /** Requests by path since start or reset(), and in total. */
  hits(): { total: number; byPath: Record<string, number> };
  /** Every request received since start or reset(), oldest first. */
  requests(): OllamaRequest[];
  /** Queues a fault. */
  fail(fault: OllamaFault): void;
  /** Changes the answer text (split on spaces into stream lines). */
  setReply(text: string): void;
  /** Clears faults, counters and captures. */
  reset(): void;
  close(): Promise<void>;
}

/** Ollama's server (Go's net/http) names the charset. */
const JSON_UTF8 = 'application/json; charset=utf-8';

const DEFAULT_ERRORS: Readonly<Record<number, string>> = {
  400: 'invalid request',
  401: 'unauthorized',
  404: "model 'unknown' not found, try pulling it first",
  429: 'too many requests',
  503: 'server busy, please try again.  maximum pending requests exceeded',
};

/** Starts a mock Ollama on an ephemeral loopback port. `reply` defaults to `Hello from ollama`. */
export async function startMockOllama(options: { reply?: string } = {}): Promise<MockOllama> {
  let reply = options.reply ?? 'Hello from ollama';
  const faults = createCountedQueue<OllamaFault>();
  let captured: OllamaRequest[] = [];

  const takeFault = (path: string): OllamaFault | undefined =>
    faults.take((fault) => fault.path === undefined || fault.path === path);

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const path = pathOf(req.url ?? '/');
    const parsed = parseBody(raw);
    const body = parsed.ok && isRecord(parsed.value) ? parsed.value : null;
    captured.push({ path, headers: req.headers, body });
    if (!['/api/generate', '/api/chat', '/api/embed'].includes(path) || req.method !== 'POST') {
      sendJson(res, 404, { error: '404 page not found' }, {}, JSON_UTF8);
      return;
    }
    const model = typeof body?.model === 'string' ? body.model : 'unknown';
    const fault = takeFault(path);
    const stream = path !== '/api/embed' && body?.stream !== false;
    if (fault !== undefined && (fault.streamErrorAfter === undefined || !stream)) {
      const status = fault.status ?? 500;
      const error = fault.error ?? DEFAULT_ERRORS[status] ?? 'internal error';
      sendJson(res, status, { error }, fault.headers, JSON_UTF8);
      return;
    }
    if (path === '/api/embed') {
      const inputs = Array.isArray(body?.input) ? body.input : [body?.input];
      const embeddings = inputs.map((_, i) => [0.1 * (i + 1), -0.2, 0.3]);
      sendJson(
        res,
        200,
        { model, embeddings, prompt_eval_count: 4 * inputs.length },
        {},
        JSON_UTF8,
      );
      return;
    }
    const chat = path === '/api/chat';
    const piece = (text: string): object =>
      chat ? { message: { role: 'assistant', content: text } } : { response: text };
    const meta = { model, created_at: new Date().toISOString() };
    const final = {
      ...meta,
      ...piece(''),
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 9,
      eval_count: 3,
    };
    if (!stream) {
      sendJson(res, 200, { ...final, ...piece(reply) }, {}, JSON_UTF8);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const words = reply.split(/(?= )/);
    for (const [index, word] of words.entries()) {
      if (fault?.streamErrorAfter === index) {
        res.end(
          `${JSON.stringify({ error: fault.error ?? 'llama runner process has terminated' })}\n`,
        );
        return;
      }
      res.write(`${JSON.stringify({ ...meta, ...piece(word), done: false })}\n`);
    }
    res.end(`${JSON.stringify(final)}\n`);
  };

  const server = await listenOnLoopback((req, res) =>
    readBody(req, (raw) => handle(req, res, raw)),
  );

  return {
    url: server.url,
    hits: () => countByPath(captured),
    requests: () => [...captured],
    fail(fault) {
      faults.add({ ...fault }, fault.times);
    },
    setReply(text) {
      reply = text;
    },
    reset() {
      faults.clear();
      captured = [];
    },
    close: () => server.close(),
  };
}
