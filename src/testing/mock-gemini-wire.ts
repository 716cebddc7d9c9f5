/**
 * What the Gemini mock says: GenerateContent answers and stream events, Google-shaped error
 * bodies, and the OAuth token endpoint's check of a service account's signed JWT assertion
 * (RFC 7523: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`).
 */
import { createVerify, type KeyObject } from 'node:crypto';

/** Canonical Google status names by HTTP status (https://cloud.google.com/apis/design/errors). */
const CANONICAL: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Google's error body: `{"error": {"code", "message", "status", "details"?}}`. */
export function googleErrorBody(status: number, message?: string, reason?: string): string {
  const details =
    reason === undefined
      ? undefined
      : [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }];
  return JSON.stringify({
    error: {
      code: status,
      message: message ?? `mock failure ${status}`,
      status: CANONICAL[status] ?? 'UNKNOWN',
      ...(details === undefined ? {} : { details }),
    },
  });
}

/** A function call the mock makes instead of answering text. */
export interface MockFunctionCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** Token counts the mock reports: words of the request's texts, and of the answer. */
export function usageMetadata(requestBody: unknown, reply: string): Record<string, number> {
  const prompt = wordCount(JSON.stringify(textsOf(requestBody)));
  const candidates = wordCount(reply);
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
  };
}

function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(textsOf)];
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

/** One candidate with `parts`; `finishReason` only on the last piece. */
function candidate(parts: object[], finishReason?: string): object {
  return {
    content: { role: 'model', parts },
    index: 0,
    ...(finishReason === undefined ? {} : { finishReason }),
  };
}

/** A whole GenerateContentResponse. */
export function generateContentAnswer(
  reply: string,
  call: MockFunctionCall | undefined,
  usage: Record<string, number>,
  model: string,
): object {
  const parts = call === undefined ? [{ text: reply }] : [{ functionCall: call }];
  return {
    candidates: [candidate(parts, 'STOP')],
    usageMetadata: usage,
    modelVersion: model,
    responseId: 'mock-response-1',
  };
}

/**
 * The stream events of an answer, as SSE frames: the text in three pieces (or the function
 * call whole), `finishReason` and `usageMetadata` on the last. Gemini ends with the body.
 */
export function streamFrames(
  reply: string,
  call: MockFunctionCall | undefined,
  usage: Record<string, number>,
  model: string,
): string[] {
  const common = { modelVersion: model, responseId: 'mock-response-1' };
  if (call !== undefined) {
    return [
      sse({
        candidates: [candidate([{ functionCall: call }], 'STOP')],
        usageMetadata: usage,
        ...common,
      }),
    ];
  }
  const third = Math.max(1, Math.ceil(reply.length / 3));
  const pieces = [reply.slice(0, third), reply.slice(third, 2 * third), reply.slice(2 * third)];
  return pieces.map((text, index) =>
    index < pieces.length - 1
      ? sse({ candidates: [candidate([{ text }])], ...common })
      : sse({ candidates: [candidate([{ text }], 'STOP')], usageMetadata: usage, ...common }),
  );
}

/** One SSE frame; Gemini separates them with CRLF pairs. */
export function sse(payload: object): string {
  return `data: ${JSON.stringify(payload)}\r\n\r\n`;
}

/**
 * True when `assertion` is a JWT signed RS256 with the key whose public half is `publicKey`,
 * and it has not expired by `nowS` (seconds).
 */
export function verifyAssertion(assertion: string, publicKey: KeyObject, nowS: number): boolean {
  const [header, payload, signature] = assertion.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return false;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' && claims.exp > nowS;
  } catch {
    return false;
  }
}
