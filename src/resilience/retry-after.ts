/**
 * How long an upstream asked us to wait before the next call.
 *
 * `retry-after-ms` (OpenAI and Azure send it, in ms) is preferred for its precision; then
 * `Retry-After` (RFC 9110 §10.2.3, https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3),
 * which is either delay-seconds or an HTTP-date. Decimal seconds are accepted because some
 * upstreams send them even though the RFC only allows integers.
 */

/** Longest wait honoured, in ms: past this, a fallback or backoff serves the client better. */
export const MAX_RETRY_AFTER_MS = 60_000;

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a day name. Requiring it
 * keeps Date.parse's lenient guessing away from garbage such as "soon" or "12 apples".
 */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s/;

/**
 * The wait the upstream asked for, in ms, capped at MAX_RETRY_AFTER_MS; undefined when neither
 * header is present or valid (negative or unparsable values are ignored). An HTTP-date is
 * measured against `nowMs` (ms since epoch); a date already past means "now" (0).
 *
 * @param headers upstream response headers with lower-case names.
 */
export function parseRetryAfterMs(
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): number | undefined {
  const ms = parseDecimal(headers['retry-after-ms']);
  if (ms !== undefined) return cap(ms);

  const raw = headers['retry-after']?.trim();
  if (raw === undefined || raw === '') return undefined;
  const seconds = parseDecimal(raw);
  if (seconds !== undefined) return cap(seconds * 1000);
  if (!HTTP_DATE.test(raw)) return undefined;
  // asctime carries no zone but is GMT by definition; Date.parse would read it as local time.
  const at = Date.parse(/GMT$/.test(raw) ? raw : `${raw} GMT`);
  if (Number.isNaN(at)) return undefined;
  return cap(Math.max(0, at - nowMs));
}

function parseDecimal(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (text === undefined || !DECIMAL.test(text)) return undefined;
  return Number(text);
}

function cap(ms: number): number {
  return Math.min(Math.ceil(ms), MAX_RETRY_AFTER_MS);
}
