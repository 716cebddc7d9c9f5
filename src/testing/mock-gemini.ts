/**
 * A fake Google AI Studio + Vertex AI upstream on a real loopback socket, for tests: both URL
 * shapes (`/v1beta/models/{m}:{method}` and `/v1/projects/{p}/locations/{l}/publishers/google/
 * models/{m}:{method}`), SSE streaming, embeddings, Google-shaped error injection, and the OAuth
 * token endpoint (`POST /token`) that Vertex service accounts exchange a signed JWT at.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { createCountedQueue } from './counted-queue.ts';
import { parseBody, pathOf, readBody } from './mock-http.ts';
import { listenOnLoopback } from './mock-loopback.ts';
import {
  generateContentAnswer,
  googleErrorBody,
  type MockFunctionCall,
  sse,
  streamFrames,
  usageMetadata,
  verifyAssertion,
} from './mock-gemini-wire.ts';

/** Which requests a fault applies to. */
export type GeminiRoute = 'generate' | 'stream' | 'embed' | 'token';

/** An injected failure: the next `times` matching requests get it. */
export interface GeminiFault {
  /** HTTP status of the error answer. Ignored when `blockReason` is set. */
  readonly status?: number;
  readonly message?: string;
  /** An ErrorInfo reason, e.g. `API_KEY_INVALID`. */
  readonly reason?: string;
  /** Sent as the `retry-after` header, in seconds. */
  readonly retryAfter?: number;
  /** Answer 200 with `promptFeedback.blockReason` and no candidates instead. */
  readonly blockReason?: string;
  /** Stream only: send the first text piece, then this error as an event. */
  readonly midStream?: boolean;
  /** Only these routes. Default: generate, stream and embed. */
  readonly routes?: readonly GeminiRoute[];
  /** How many requests it applies to. Default 1. */
  readonly times?: number;
}

/** One request as the mock received it. */
export interface GeminiCapturedRequest {
  readonly route: GeminiRoute | 'unknown';
  readonly path: string;
  /** Full request target, query string included. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** Parsed JSON, or the raw text (the token endpoint's form body). */
  readonly body: unknown;
}

export interface MockGeminiOptions {
  /** Answer text. Default `Hello from <name>`. */
  readonly reply?: string;
  /** Default `gemini`. */
  readonly name?: string;
  /** Token assertions must be signed by this key's private half; unset: every assertion passes. */
  readonly publicKey?: KeyObject;
  /** `expires_in` of issued tokens, in seconds. Default 3600. */
  readonly tokenLifetimeS?: number;
}

export interface MockGemini {
  /** `http://127.0.0.1:<port>`: the `api_base` of gemini and vertex_ai deployments. */
  readonly url: string;
  /** The token endpoint, for a service account's `token_uri`. */
  readonly tokenUrl: string;
  /** Requests per route since start or reset. */
  hits(): Record<GeminiRoute | 'total', number>;
  /** Every request, oldest first. */
  requests(): readonly GeminiCapturedRequest[];
  /** Access tokens issued, oldest first. */
  tokens(): readonly string[];
  fail(fault: GeminiFault): void;
  setReply(text: string): void;
  /** Answer with this function call instead of text; undefined returns to text. */
  setFunctionCall(call: MockFunctionCall | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

const MODEL_PATH =
  /^\/(?:v1beta\/models|v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models)\/([^/:]+):(\w+)$/;
const METHOD_ROUTES: Readonly<Record<string, GeminiRoute>> = {
  generateContent: 'generate',
  streamGenerateContent: 'stream',
  batchEmbedContents: 'embed',
  predict: 'embed',
};

/** Starts the mock; the test must close() it. */
export async function startMockGemini(options: MockGeminiOptions = {}): Promise<MockGemini> {
  const name = options.name ?? 'gemini';
  let reply = options.reply ?? `Hello from ${name}`;
  let functionCall: MockFunctionCall | undefined;
  const faults = createCountedQueue<GeminiFault>();
  let captured: GeminiCapturedRequest[] = [];
  let issued: string[] = [];

  function takeFault(route: GeminiRoute): GeminiFault | undefined {
    return faults.take((fault) =>
      (fault.routes ?? ['generate', 'stream', 'embed']).includes(route),
    );
  }

  function sendError(res: ServerResponse, fault: GeminiFault): void {
    const status = fault.status ?? 500;
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) }),
    });
    res.end(googleErrorBody(status, fault.message, fault.reason));
  }

  function token(res: ServerResponse, raw: string): void {
    const form = new URLSearchParams(raw);
    const assertion = form.get('assertion') ?? '';
    const key = options.publicKey;
    if (key !== undefined && !verifyAssertion(assertion, key, Math.floor(Date.now() / 1000))) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }),
      );
      return;
    }
    const accessToken = `ya29.mock-token-${issued.length + 1}`;
    issued.push(accessToken);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: accessToken,
        expires_in: options.tokenLifetimeS ?? 3600,
        token_type: 'Bearer',
      }),
    );
  }

  /** Vertex calls must carry a token this mock issued; Gemini calls any API key. */
  function unauthorized(req: IncomingMessage, path: string): string | undefined {
    if (path.startsWith('/v1beta/')) {
      return req.headers['x-goog-api-key']
        ? undefined
        : "Method doesn't allow unregistered callers";
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return bearer !== undefined && issued.includes(bearer)
      ? undefined
      : 'Request had invalid authentication credentials.';
  }

  function answer(res: ServerResponse, route: GeminiRoute, body: unknown, model: string): void {
    const fault = takeFault(route);
    if (fault !== undefined && fault.blockReason === undefined && !fault.midStream) {
      sendError(res, fault);
      return;
    }
    if (fault?.blockReason !== undefined) {
      res.writeHead(200, {
        'content-type': route === 'stream' ? 'text/event-stream' : 'application/json',
      });
      const blocked = { promptFeedback: { blockReason: fault.blockReason } };
      res.end(route === 'stream' ? sse(blocked) : JSON.stringify(blocked));
      return;
    }
    const usage = usageMetadata(body, reply);
    if (route === 'embed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(embeddingAnswer(body)));
    } else if (route === 'stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const frames = streamFrames(reply, functionCall, usage, model);
      if (fault?.midStream === true) {
        res.end(
          frames[0] +
            sse(JSON.parse(googleErrorBody(fault.status ?? 500, fault.message)) as object),
        );
        return;
      }
      for (const frame of frames) res.write(frame);
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(generateContentAnswer(reply, functionCall, usage, model)));
    }
  }

  const server = await listenOnLoopback((req, res) => {
    const url = req.url ?? '/';
    const path = pathOf(url);
    readBody(req, (raw) => {
      const match = MODEL_PATH.exec(path);
      const route: GeminiRoute | 'unknown' =
        path === '/token' ? 'token' : (METHOD_ROUTES[match?.[2] ?? ''] ?? 'unknown');
      const parsed = parseBody(raw);
      const body = route === 'token' || !parsed.ok ? raw : parsed.value;
      captured.push({ route, path, url, headers: req.headers, body });
      if (route === 'token') {
        const fault = takeFault('token');
        if (fault !== undefined) sendError(res, fault);
        else token(res, raw);
        return;
      }
      if (route === 'unknown' || match === null) {
        sendError(res, { status: 404, message: `no route for ${req.method ?? ''} ${path}` });
        return;
      }
      const denied = unauthorized(req, path);
      if (denied !== undefined) {
        sendError(res, { status: 401, message: denied });
        return;
      }
      answer(res, route, body, match[1] ?? 'unknown');
    });
  });
  const url = server.url;

  return {
    url,
    tokenUrl: `${url}/token`,
    hits() {
      const counts = { total: captured.length, generate: 0, stream: 0, embed: 0, token: 0 };
      for (const request of captured) if (request.route !== 'unknown') counts[request.route] += 1;
      return counts;
    },
    requests: () => [...captured],
    tokens: () => [...issued],
    fail(fault) {
      faults.add(fault, fault.times ?? 1);
    },
    setReply(text) {
      reply = text;
    },
    setFunctionCall(call) {
      functionCall = call;
    },
    reset() {
      faults.clear();
      captured = [];
      issued = [];
      functionCall = undefined;
    },
    close: () => server.close(),
  };
}

/** Vectors for each input: `predict` (Vertex) or `batchEmbedContents` (Gemini) shape. */
function embeddingAnswer(body: unknown): object {
  const record = (body ?? {}) as { instances?: unknown[]; requests?: unknown[] };
  if (Array.isArray(record.instances)) {
    return {
      predictions: record.instances.map(() => ({
        embeddings: { values: [0.1, 0.2, 0.3], statistics: { token_count: 2, truncated: false } },
      })),
    };
  }
  const requests = Array.isArray(record.requests) ? record.requests : [];
  return { embeddings: requests.map(() => ({ values: [0.1, 0.2, 0.3] })) };
}
