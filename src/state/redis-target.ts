import type { RedisSettings } from '../config/plan.ts';

/**
 * Where a store connects, for log lines: never the password, which a URL may carry. Cluster
 * wins over Sentinel, Sentinel over a URL, a URL over host and port — the order the store
 * connects in.
 */
export function describeRedisTarget(settings: RedisSettings): string {
  const cluster = settings.startupNodes;
  if (cluster !== undefined && cluster.length > 0) {
    return `Redis Cluster ${cluster.map((node) => `${node.host}:${node.port}`).join(',')}`;
  }
  const sentinels = settings.sentinelNodes;
  if (sentinels !== undefined && sentinels.length > 0) {
    const nodes = sentinels.map((node) => `${node.host}:${node.port}`).join(',');
    return `Redis master "${settings.sentinelMasterName ?? ''}" via Sentinel ${nodes}`;
  }
  if (settings.url !== undefined) return `Redis ${redactUrl(settings.url)}`;
  return `Redis ${settings.host ?? '127.0.0.1'}:${settings.port ?? 6379}`;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
