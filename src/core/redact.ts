/**
 * A URL safe to show (headers, health output, logs): userinfo and query string removed, since
 * both can carry credentials (`https://user:pass@host`, `?key=…`).
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}

/** `extra` keys whose values are credentials (`aws_secret_access_key`, `aws_session_token`, …). */
const SECRET_EXTRA_KEY = /secret|token(?!s)|password|credential|api_key/i;

/** Shortest value redacted: shorter strings would blank out ordinary words. */
const MIN_SECRET_CHARS = 4;

/**
 * Every secret a deployment holds: its `apiKey` and each string in `extra` stored under a
 * credential-like key. Providers pass the list to redactSecrets() before quoting upstream text.
 */
export function deploymentSecrets(deployment: {
  readonly apiKey: string | undefined;
  readonly extra: Readonly<Record<string, unknown>>;
}): string[] {
  const secrets: string[] = [];
  if (deployment.apiKey !== undefined) secrets.push(deployment.apiKey);
  for (const [key, value] of Object.entries(deployment.extra)) {
    if (typeof value === 'string' && SECRET_EXTRA_KEY.test(key)) secrets.push(value);
  }
  return secrets;
}

/** `text` with every secret of `secrets` (at least 4 characters long) replaced by `<redacted>`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_CHARS) out = out.split(secret).join('<redacted>');
  }
  return out;
}
