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
