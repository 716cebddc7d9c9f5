import type { SharedBench } from './state-store.ts';

/**
 * How benches look in Redis. A bench is the key `${prefix}bench:${deploymentId}` holding JSON
 * `{until, reason}` and expiring at `until` (PEXPIREAT, an absolute deadline, so no instance's
 * TTL arithmetic drifts). Every new or longer bench is announced on `${prefix}benches` as JSON
 * `{origin, deploymentId, until, reason}`; `origin` lets an instance ignore its own echo.
 * Everything read back is validated: another version, or something else, may share the Redis.
 */

/** The pub/sub channel benches are announced on. */
export function benchChannel(prefix: string): string {
  return `${prefix}benches`;
}

/** The key of one deployment's bench. */
export function benchKey(prefix: string, deploymentId: string): string {
  return `${prefix}bench:${deploymentId}`;
}

/** A SCAN pattern matching every bench key under `prefix`, glob characters in it escaped. */
export function benchKeyPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}bench:*`;
}

/** The deployment id of a bench key, or undefined when the key is not one. */
export function deploymentIdOfKey(prefix: string, key: string): string | undefined {
  const head = `${prefix}bench:`;
  return key.startsWith(head) && key.length > head.length ? key.slice(head.length) : undefined;
}

export function encodeStoredBench(bench: SharedBench): string {
  return JSON.stringify({ until: bench.until, reason: bench.reason });
}

export function encodeBenchMessage(origin: string, bench: SharedBench): string {
  return JSON.stringify({
    origin,
    deploymentId: bench.deploymentId,
    until: bench.until,
    reason: bench.reason,
  });
}

/** The bench stored under a key, or undefined when the value is missing or malformed. */
export function decodeStoredBench(
  deploymentId: string,
  raw: string | null | undefined,
): SharedBench | undefined {
  const value = parseObject(raw);
  if (value === undefined || !isUntil(value['until'])) return undefined;
  return Object.freeze({
    deploymentId,
    until: value['until'],
    reason: typeof value['reason'] === 'string' ? value['reason'] : '',
  });
}

/** An announced bench with its origin, or undefined when the message is malformed. */
export function decodeBenchMessage(
  raw: string,
): { readonly origin: string; readonly bench: SharedBench } | undefined {
  const value = parseObject(raw);
  if (value === undefined) return undefined;
  const { origin, deploymentId, until, reason } = value;
  if (typeof origin !== 'string' || typeof deploymentId !== 'string' || deploymentId === '') {
    return undefined;
  }
  if (!isUntil(until)) return undefined;
  const bench = Object.freeze({
    deploymentId,
    until,
    reason: typeof reason === 'string' ? reason : '',
  });
  return { origin, bench };
}

function isUntil(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function parseObject(raw: string | null | undefined): Record<string, unknown> | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
