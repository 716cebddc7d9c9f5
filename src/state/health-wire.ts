import type { SharedHealthResult } from './state-store.ts';

/**
 * How shared health results look in Redis. The latest round is the key `${prefix}health:latest`
 * holding JSON `[{deploymentId, checkedAt, error?}]` and expiring with the round; each round is
 * announced on `${prefix}health` (a channel, a separate namespace from keys) as JSON
 * `{origin, results}`. Only ids, times and error messages travel: each instance rebuilds the
 * rest of an endpoint from its own config. Everything read back is validated.
 */

/** The pub/sub channel health rounds are announced on. */
export function healthChannel(prefix: string): string {
  return `${prefix}health`;
}

/** The key holding the latest round. */
export function healthKey(prefix: string): string {
  return `${prefix}health:latest`;
}

/** The key of a lease. */
export function leaseKey(prefix: string, name: string): string {
  return `${prefix}lease:${name}`;
}

export function encodeHealthRound(results: readonly SharedHealthResult[]): string {
  return JSON.stringify(results.map(toJson));
}

export function encodeHealthMessage(
  origin: string,
  results: readonly SharedHealthResult[],
): string {
  return JSON.stringify({ origin, results: results.map(toJson) });
}

/** The stored round; [] when missing or malformed. Malformed entries are left out. */
export function decodeHealthRound(raw: string | null | undefined): SharedHealthResult[] {
  return decodeResults(parse(raw));
}

/** An announced round with its origin, or undefined when the message is malformed. */
export function decodeHealthMessage(
  raw: string,
): { readonly origin: string; readonly results: SharedHealthResult[] } | undefined {
  const value = parse(raw);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { origin, results } = value as Record<string, unknown>;
  if (typeof origin !== 'string' || !Array.isArray(results)) return undefined;
  return { origin, results: decodeResults(results) };
}

function toJson(result: SharedHealthResult): Record<string, unknown> {
  const { deploymentId, checkedAt, error } = result;
  return error === undefined ? { deploymentId, checkedAt } : { deploymentId, checkedAt, error };
}

function decodeResults(value: unknown): SharedHealthResult[] {
  if (!Array.isArray(value)) return [];
  const results: SharedHealthResult[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { deploymentId, checkedAt, error } = entry as Record<string, unknown>;
    if (typeof deploymentId !== 'string' || deploymentId === '') continue;
    if (typeof checkedAt !== 'number' || !Number.isFinite(checkedAt) || checkedAt <= 0) continue;
    results.push(
      Object.freeze({
        deploymentId,
        checkedAt,
        error: typeof error === 'string' ? error : undefined,
      }),
    );
  }
  return results;
}

function parse(raw: unknown): unknown {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
