/**
 * What counts as a secret in a config, and how to show a value without leaking one. Config
 * errors and `switchyard check` output end up in CI logs and chat threads, so the rule is
 * deliberately broad: a false positive costs a `<redacted>`, a false negative leaks a key.
 */

/** Shown instead of a secret value. */
export const REDACTED = '<redacted>';

/**
 * Key names whose values are secrets: `api_key`, `master_key`, `redis_password`,
 * `aws_secret_access_key`, `aws_session_token`, `vertex_credentials`, an `Authorization`
 * header, `redis_url` / `database_url` (connection URLs embed passwords)… `token` followed
 * by `s` is a count (`max_tokens`), not a secret.
 */
const SECRET_KEY =
  /key|password|passwd|secret|token(?!s)|credential|authorization|cookie|(^|_)url$/i;

/** Prices per token are numbers users need to see in errors. */
const NOT_SECRET_KEY = /_per_token$/i;

/** True when the value stored under `key` must never be printed. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
}

/** True when any mapping key along `path` names a secret (the value sits inside a secret). */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some((segment) => typeof segment === 'string' && isSecretKey(segment));
}

/**
 * A copy of `value` with every secret-keyed entry (at any depth) replaced by `<redacted>`, for
 * printing a mapping that failed validation as a whole.
 */
export function redactTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactTree);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretKey(key) ? REDACTED : redactTree(inner);
    }
    return out;
  }
  return value;
}

/**
 * `url` safe to display: userinfo removed (`https://user:pass@host/v1` → `https://host/v1`,
 * `redis://:pass@host:6379` → `redis://host:6379`) and the query string dropped, since both
 * can carry credentials (`?api-key=…`). Greedy up to the last `@` before the path, so a
 * password containing a raw `@` is removed whole.
 */
export function stripUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1').replace(/[?#].*$/, '');
}

/** A YAML mapping as JavaScript sees it: a plain object, not an array, Date or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
