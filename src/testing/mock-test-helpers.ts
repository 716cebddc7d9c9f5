/**
 * Client-side helpers for tests that talk to a mock upstream over real HTTP with `fetch`.
 * Test support only: nothing in the gateway imports this file.
 */

/** POSTs `body` as JSON (a string is sent verbatim, to test malformed bodies). */
export function postJson(
  url: string,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

/** The `data:` payloads of an SSE body, in order (`[DONE]` included as-is). */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

/**
 * Reads a body until it ends or fails; returns the text received and the error, if any. A
 * stream cut short by the server fails with undici's `TypeError: terminated`.
 */
export async function readUntilError(
  response: Response,
): Promise<{ text: string; error: Error | undefined }> {
  const decoder = new TextDecoder();
  let text = '';
  if (response.body === null) return { text, error: undefined };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** Polls `condition` every millisecond until it holds; fails after `timeoutMs` (default 2000). */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Like {@link waitFor} for an async check, run again 1 ms after each false. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** True when a GET to `url` gets any HTTP answer; false when the connection fails. */
export async function isUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** The `code` of a failed fetch's cause, e.g. `ECONNREFUSED`. */
export async function fetchErrorCode(request: Promise<Response>): Promise<string | undefined> {
  try {
    await request;
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (typeof cause === 'object' && cause !== null && 'code' in cause) {
      return String(cause.code);
    }
    return 'UNKNOWN';
  }
  return undefined;
}
