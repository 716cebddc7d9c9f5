/**
 * What the harness measures: a URL that speaks OpenAI's chat completions, the headers and model
 * name it wants, and the process whose memory counts for it.
 */

/** `direct` is the mock itself; `floor` the bare Node proxy; peers are optional. */
export type TargetKind = 'direct' | 'floor' | 'switchyard' | 'peer';

/** One thing under load. */
export interface BenchTarget {
  readonly name: string;
  readonly kind: TargetKind;
  /** Origin, e.g. `http://127.0.0.1:43111`. */
  readonly url: string;
  /** The chat completions path on that origin. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The `model` the body names. */
  readonly model: string;
  /** The process whose RSS is reported (the mock's, for `direct`). */
  readonly pid: number;
}

/** The chat request every target gets: small, so the measure is the proxy, not the bytes. */
export function chatBody(target: BenchTarget, stream: boolean): string {
  return JSON.stringify({
    model: target.model,
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Say something short about foxes.' },
    ],
    max_tokens: 32,
    temperature: 0.2,
    ...(stream ? { stream: true } : {}),
  });
}

/** Headers of every request to `target`: JSON plus whatever the target needs (keys, routing). */
export function requestHeaders(target: BenchTarget): Record<string, string> {
  return { 'content-type': 'application/json', ...target.headers };
}
