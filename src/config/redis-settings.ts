/**
 * Redis for shared state, from the merged reliability keys, else from the environment
 * variables LiteLLM reads (REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_PASSWORD). No Redis is
 * configured unless a URL, a host, Sentinel nodes or Cluster startup nodes are given.
 */
import type { Env } from './env-refs.ts';
import type { RedisSettings } from './plan.ts';
import type { ReliabilityInput } from './schema.ts';

/** Prefix of every key Switchyard writes, so a Redis can be shared. Default `switchyard:`. */
export const DEFAULT_REDIS_KEY_PREFIX = 'switchyard:';

/** Sentinel's conventional port, used when `redis_use_sentinel` names a host without a port. */
const SENTINEL_PORT = 26379;

/** Schemes the Redis client understands. */
const REDIS_URL = /^(rediss?|unix):\/\/./i;

type RedisNode = { readonly host: string; readonly port: number };

/** What compileRedis needs besides the merged settings. */
export interface RedisContext {
  readonly env: Env;
  /** Where problems go, one line each. */
  readonly issues: string[];
  /** The section each merged key came from, for messages. */
  readonly sectionOf: (key: keyof ReliabilityInput) => string;
}

/** The compiled Redis settings, or undefined when no Redis is configured. */
export function compileRedis(
  merged: ReliabilityInput,
  context: RedisContext,
): RedisSettings | undefined {
  const { env, issues, sectionOf } = context;
  const url = merged.redis_url ?? nonEmpty(env['REDIS_URL']);
  if (url !== undefined && !REDIS_URL.test(url)) {
    // The value is not shown: a Redis URL usually carries the password.
    const where =
      merged.redis_url === undefined
        ? 'environment variable REDIS_URL'
        : `${sectionOf('redis_url')}.redis_url`;
    issues.push(`${where}: expected a redis://, rediss:// or unix:// URL`);
  }
  const host = merged.redis_host ?? nonEmpty(env['REDIS_HOST']);
  const port = merged.redis_port ?? envPort(env, issues);
  const password = merged.redis_password ?? nonEmpty(env['REDIS_PASSWORD']);
  const sentinelMasterName = merged.redis_sentinel_master_name ?? merged.service_name;

  let sentinelNodes: readonly RedisNode[] | undefined = merged.redis_sentinel_nodes;
  if (sentinelNodes === undefined && merged.redis_use_sentinel === true) {
    // LiteLLM's Sentinel example points redis_host/redis_port at a sentinel.
    if (host === undefined) {
      issues.push(
        `${sectionOf('redis_sentinel_nodes')}.redis_sentinel_nodes: is required when redis_use_sentinel is true (or set redis_host)`,
      );
    } else {
      sentinelNodes = [{ host, port: port ?? SENTINEL_PORT }];
    }
  }
  if (sentinelNodes !== undefined && sentinelMasterName === undefined) {
    issues.push(
      `${sectionOf('redis_sentinel_master_name')}.redis_sentinel_master_name: is required when Redis Sentinel is used`,
    );
  }

  const startupNodes = merged.redis_startup_nodes;
  if (
    url === undefined &&
    host === undefined &&
    sentinelNodes === undefined &&
    startupNodes === undefined
  ) {
    return undefined;
  }
  return Object.freeze({
    url,
    host,
    port,
    password,
    db: merged.redis_db,
    keyPrefix: merged.redis_key_prefix ?? DEFAULT_REDIS_KEY_PREFIX,
    sentinelNodes: freezeNodes(sentinelNodes),
    sentinelMasterName,
    startupNodes: freezeNodes(startupNodes),
  });
}

function envPort(env: Env, issues: string[]): number | undefined {
  const raw = nonEmpty(env['REDIS_PORT']);
  if (raw === undefined) return undefined;
  const port = Number(raw.trim());
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  issues.push('environment variable REDIS_PORT: expected a port number (1-65535)');
  return undefined;
}

/** An environment variable set to "" counts as unset here: shells and CI set empty defaults. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function freezeNodes(nodes: readonly RedisNode[] | undefined): readonly RedisNode[] | undefined {
  return nodes === undefined
    ? undefined
    : Object.freeze(nodes.map((node) => Object.freeze({ ...node })));
}
