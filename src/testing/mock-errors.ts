/**
 * OpenAI error bodies as the real API sends them, so the gateway's error mapping is tested
 * against realistic wire data (messages, `type` and `code` values copied from OpenAI answers).
 */

/** OpenAI's error envelope: `{"error":{"message","type","param","code"}}`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Realistic failures a fault can name instead of spelling out status and body. */
export type FaultKind =
  'context_length' | 'content_policy' | 'rate_limit' | 'auth' | 'server_error' | 'overloaded';

/** What an error message may mention about the request that failed. */
export interface ErrorContext {
  readonly model: string;
  readonly promptTokens: number;
}

interface KindSpec {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: (context: ErrorContext) => OpenAiErrorBody;
}

/** The maximum context length quoted by `context_length` errors. */
const CONTEXT_WINDOW = 8192;

const KINDS: Readonly<Record<FaultKind, KindSpec>> = {
  context_length: {
    status: 400,
    body: ({ promptTokens }) =>
      openAiError(
        `This model's maximum context length is ${CONTEXT_WINDOW} tokens. However, your ` +
          `messages resulted in ${Math.max(promptTokens, CONTEXT_WINDOW + 1)} tokens. ` +
          'Please reduce the length of the messages.',
        'invalid_request_error',
        'messages',
        'context_length_exceeded',
      ),
  },
  content_policy: {
    status: 400,
    body: () =>
      openAiError(
        'Your request was rejected as a result of our safety system. Your prompt may contain ' +
          'text that is not allowed by our safety system.',
        'invalid_request_error',
        null,
        'content_policy_violation',
      ),
  },
  rate_limit: {
    status: 429,
    headers: { 'retry-after': '1' },
    body: ({ model }) =>
      openAiError(
        `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): ` +
          'Limit 3, Used 3, Requested 1. Please try again in 1s.',
        'requests',
        null,
        'rate_limit_exceeded',
      ),
  },
  auth: { status: 401, body: () => authError() },
  server_error: { status: 500, body: () => serverError() },
  overloaded: { status: 503, body: () => overloadedError() },
};

/** Every fault kind, for validation messages. */
export const FAULT_KINDS: readonly FaultKind[] = Object.keys(KINDS) as FaultKind[];

/** True for a known {@link FaultKind}. */
export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && Object.hasOwn(KINDS, value);
}

/** The status a fault kind answers with (e.g. 429 for `rate_limit`). */
export function kindStatus(kind: FaultKind): number {
  return KINDS[kind].status;
}

/** Headers a fault kind adds (e.g. `retry-after: 1` for `rate_limit`). */
export function kindHeaders(kind: FaultKind): Readonly<Record<string, string>> | undefined {
  return KINDS[kind].headers;
}

/** OpenAI's error body for a fault kind. */
export function kindError(kind: FaultKind, context: ErrorContext): OpenAiErrorBody {
  return KINDS[kind].body(context);
}

/** The error body OpenAI would send with `status` when a fault names no body or kind. */
export function statusError(status: number, context: ErrorContext): OpenAiErrorBody {
  switch (status) {
    case 400:
      return openAiError(
        'Invalid request (injected by the mock upstream).',
        'invalid_request_error',
      );
    case 401:
      return authError();
    case 403:
      return openAiError(
        'You are not allowed to sample from this model.',
        'invalid_request_error',
        null,
        'permission_denied',
      );
    case 404:
      return openAiError(
        `The model \`${context.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        null,
        'model_not_found',
      );
    case 408:
      return openAiError('Request timed out.', 'timeout');
    case 429:
      return kindError('rate_limit', context);
    case 500:
      return serverError();
    case 502:
      return openAiError('Bad gateway.', 'server_error', null, 'bad_gateway');
    case 503:
      return overloadedError();
    default:
      return openAiError(
        `Mock upstream fault (status ${status}).`,
        status >= 500 ? 'server_error' : 'invalid_request_error',
      );
  }
}

/** Builds `{error:{message,type,param,code}}`; param and code default to null. */
export function openAiError(
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

function authError(): OpenAiErrorBody {
  return openAiError(
    'Incorrect API key provided: sk-mock****. You can find your API key at ' +
      'https://platform.openai.com/account/api-keys.',
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

function serverError(): OpenAiErrorBody {
  return openAiError(
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
  );
}

function overloadedError(): OpenAiErrorBody {
  return openAiError('The engine is currently overloaded, please try again later.', 'server_error');
}
