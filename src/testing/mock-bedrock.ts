/**
 * A fake AWS Bedrock runtime on a real loopback socket, speaking the Converse API: `POST
 * /model/{modelId}/converse` (JSON) and `/converse-stream` (binary AWS event stream encoded with
 * @smithy/eventstream-codec). Every call's SigV4 signature (or Bedrock API key) is verified;
 * faults answer in Bedrock's error shape (`x-amzn-errortype` header, `{"message"}` body) or, for
 * streams, as an exception message after the first text delta.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  encodeAwsEvent,
  type EventStreamMessage,
} from '../providers/transport/aws-event-stream.ts';
import { createCountedQueue } from './counted-queue.ts';
import { checkAuth, type MockAwsCredentials } from './mock-bedrock-auth.ts';
import { countByPath, flattenHeaders, readBody, sendJson } from './mock-http.ts';
import { listenOnLoopback } from './mock-loopback.ts';

export type { MockAwsCredentials } from './mock-bedrock-auth.ts';

/** Options of startMockBedrock(). */
export interface MockBedrockOptions {
  /** Shown in the default reply. Default `bedrock`. */
  readonly name?: string;
  /** Answer text. Default `Hello from <name>`. */
  readonly reply?: string;
  /** Accepted SigV4 credentials. Default: MOCK_AWS_CREDENTIALS. */
  readonly credentials?: readonly MockAwsCredentials[];
  /** Accepted Bedrock API keys (bearer tokens). Default none. */
  readonly apiKeys?: readonly string[];
}

/** A Bedrock-shaped failure to inject. */
export interface BedrockFault {
  /** The error name, e.g. `ThrottlingException`. */
  readonly type: string;
  /** HTTP status. Default: the one Bedrock documents for `type` (500 when unknown). */
  readonly status?: number;
  /** Default: Bedrock's usual text for `type`. */
  readonly message?: string;
  /** A `Retry-After` header value. */
  readonly retryAfter?: string;
  /** Fail a stream after its first text delta instead of answering an HTTP error. */
  readonly midStream?: boolean;
  /** How many calls it fails. Default 1. */
  readonly times?: number;
}

/** One call as the mock received it. */
export interface BedrockCall {
  /** Path without the query, percent-encoding intact: `/model/<id>/converse`. */
  readonly path: string;
  /** The decoded model id from the path. */
  readonly modelId: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed Converse body. */
  readonly body: unknown;
  /** Whether the signature (or API key) verified. */
  readonly authentic: boolean;
}

export interface MockBedrock {
  /** `http://127.0.0.1:<port>`: the `aws_bedrock_runtime_endpoint` (or `api_base`) to use. */
  readonly url: string;
  /** Calls received (authentic or not), by path. */
  hits(): { total: number; byPath: Record<string, number> };
  requests(): readonly BedrockCall[];
  /** Queues a fault; faults apply in order. */
  fail(fault: BedrockFault): void;
  setReply(text: string): void;
  close(): Promise<void>;
}

/** The default credentials: AWS's documented example keys. */
export const MOCK_AWS_CREDENTIALS: MockAwsCredentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

const DEFAULTS: Readonly<Record<string, { status: number; message: string }>> = {
  ThrottlingException: {
    status: 429,
    message: 'Too many requests, please wait before trying again.',
  },
  ServiceUnavailableException: {
    status: 503,
    message: 'Bedrock is unable to process your request.',
  },
  ModelNotReadyException: { status: 429, message: 'Model is not ready.' },
  ModelTimeoutException: { status: 408, message: 'Model has timed out in processing the request.' },
  ValidationException: { status: 400, message: 'Input is too long for requested model.' },
  AccessDeniedException: {
    status: 403,
    message: "You don't have access to the model with the specified model ID.",
  },
  ResourceNotFoundException: { status: 404, message: 'Could not resolve the foundation model.' },
  InternalServerException: { status: 500, message: 'An internal server error occurred.' },
  ModelStreamErrorException: { status: 424, message: 'The model stream failed.' },
};

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream)$/;

/** Starts the mock on an ephemeral loopback port. */
export async function startMockBedrock(options: MockBedrockOptions = {}): Promise<MockBedrock> {
  const name = options.name ?? 'bedrock';
  let reply = options.reply ?? `Hello from ${name}`;
  const auth = {
    credentials: options.credentials ?? [MOCK_AWS_CREDENTIALS],
    apiKeys: options.apiKeys ?? [],
  };
  const faults = createCountedQueue<BedrockFault>();
  const calls: BedrockCall[] = [];

  // Strictly in order: a mid-stream fault at the head holds back the faults queued after it.
  const nextFault = (stream: boolean): BedrockFault | undefined =>
    faults.take((fault, index) => index === 0 && (fault.midStream !== true || stream));

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const route = ROUTE.exec(path);
    const failure = await checkAuth(
      { method: req.method ?? '', url, headers: req.headers, body },
      auth,
    );
    calls.push({
      path,
      modelId: route === null ? '' : decodeURIComponent(route[1]!),
      headers: flattenHeaders(req.headers),
      body: parseJson(body),
      authentic: failure === undefined,
    });
    if (failure !== undefined) return sendError(res, failure);
    if (route === null || req.method !== 'POST') {
      return sendError(res, {
        type: 'UnknownOperationException',
        status: 404,
        message: 'Not found',
      });
    }
    const stream = route[2] === 'converse-stream';
    const fault = nextFault(stream);
    if (fault !== undefined && fault.midStream !== true) return sendError(res, fault);
    const usage = usageFor(body, reply);
    if (!stream) return sendJson(res, 200, converseAnswer(reply, usage), requestId());
    writeStream(res, reply, usage, fault);
  }

  const server = await listenOnLoopback((req, res) =>
    readBody(req, (body) => {
      handle(req, res, body).catch(() => res.destroy());
    }),
  );

  return {
    url: server.url,
    hits: () => countByPath(calls),
    requests: () => [...calls],
    fail(fault) {
      faults.add(fault, fault.times ?? 1);
    },
    setReply(text) {
      reply = text;
    },
    close: () => server.close(),
  };
}

interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
}

/** About four characters a token, over the request's text and the answer. */
function usageFor(requestBody: string, answer: string): TokenUsage {
  const inputTokens = Math.ceil(textOf(parseJson(requestBody)).length / 4);
  const outputTokens = Math.ceil(answer.length / 4);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

function converseAnswer(text: string, usage: TokenUsage): unknown {
  return {
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason: 'end_turn',
    usage,
    metrics: { latencyMs: 1 },
  };
}

/** The ConverseStream events of an answer, each padded with `p` as Bedrock's are. */
function writeStream(
  res: ServerResponse,
  text: string,
  usage: TokenUsage,
  fault?: BedrockFault,
): void {
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': randomUUID(),
  });
  const event = (type: string, payload: object): void => {
    res.write(
      encodeAwsEvent({
        type,
        payload: { ...payload, p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0' },
      }),
    );
  };
  event('messageStart', { role: 'assistant' });
  const pieces = text.match(/\S+\s*|\s+/g) ?? [text];
  for (const piece of pieces) {
    event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } });
    if (fault !== undefined) {
      const exception: EventStreamMessage = {
        messageType: 'exception',
        type: fault.type.charAt(0).toLowerCase() + fault.type.slice(1),
        payload: { message: fault.message ?? DEFAULTS[fault.type]?.message ?? fault.type },
      };
      res.end(encodeAwsEvent(exception));
      return;
    }
  }
  event('contentBlockStop', { contentBlockIndex: 0 });
  event('messageStop', { stopReason: 'end_turn' });
  event('metadata', { usage, metrics: { latencyMs: 1 } });
  res.end();
}

function sendError(res: ServerResponse, fault: BedrockFault): void {
  const known = DEFAULTS[fault.type];
  const headers: Record<string, string> = {
    'x-amzn-errortype': `${fault.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
  };
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  sendJson(
    res,
    fault.status ?? known?.status ?? 500,
    { message: fault.message ?? known?.message ?? fault.type },
    { ...requestId(), ...headers },
  );
}

/** Every Bedrock answer names its request, as AWS services do. */
function requestId(): Record<string, string> {
  return { 'x-amzn-requestid': randomUUID() };
}

/** Every `text` string anywhere in a Converse body. */
function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (typeof value !== 'object' || value === null) return '';
  return Object.entries(value)
    .map(([key, inner]) => (key === 'text' && typeof inner === 'string' ? inner : textOf(inner)))
    .join('');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
