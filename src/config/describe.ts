/**
 * The plan as text for `switchyard check`: what will be served, where fallbacks go, and the
 * settings that shape retries and cooldowns. Secrets never appear: keys are reported as
 * "set" / "not set" and URLs lose their userinfo.
 */
import type { Deployment } from '../core/deployment.ts';
import type { FallbackMap, RedisSettings, RouterPlan } from './plan.ts';
import { stripUrlCredentials } from './secrets.ts';
import { plural } from './validate.ts';

/** A multi-line, human-readable summary of `plan`. Contains no secret. */
export function describePlan(plan: RouterPlan): string {
  const lines: string[] = [
    `${plural(plan.groups.size, 'group')}, ${plural(plan.deployments.size, 'deployment')}`,
    '',
    'Groups',
  ];
  if (plan.groups.size === 0) lines.push('  (none)');
  for (const group of plan.groups.values()) {
    lines.push(`  ${group.name}`);
    for (const deployment of group.deployments)
      lines.push(`    - ${describeDeployment(deployment)}`);
  }

  for (const group of plan.wildcards) {
    lines.push(`  ${group.pattern} (wildcard: serves any name it matches)`);
    for (const deployment of group.deployments)
      lines.push(`    - ${describeDeployment(deployment)}`);
  }
  for (const [alias, target] of plan.settings.modelGroupAlias) {
    lines.push(`  ${alias} → ${target.group} (alias${target.hidden ? ', hidden' : ''})`);
  }

  const s = plan.settings;
  lines.push(
    '',
    'Fallbacks',
    ...describeFallbacks('generic', s.fallbacks),
    ...describeFallbacks('context window', s.contextWindowFallbacks),
    ...describeFallbacks('content policy', s.contentPolicyFallbacks),
    `  default: ${s.defaultFallbacks.length === 0 ? 'none' : s.defaultFallbacks.join(', ')}`,
    `  max depth: ${s.maxFallbacks}`,
    '',
    'Settings',
    `  routing strategy: ${s.routingStrategy}`,
    `  retries: ${describeRetries(plan)}`,
    `  timeout: ${seconds(s.timeoutMs)}; first stream chunk: ${s.streamTimeoutMs === undefined ? 'same' : seconds(s.streamTimeoutMs)}; stream idle: ${seconds(s.streamIdleTimeoutMs)}; whole request: ${s.overallTimeoutMs === undefined ? 'no cap' : seconds(s.overallTimeoutMs)}`,
    `  cooldown: ${describeCooldown(plan)}`,
    `  pre-call checks: ${s.enablePreCallChecks ? 'on' : 'off'}`,
    `  redis: ${describeRedis(s.redis)}`,
    `  master key: ${plan.general.masterKey === undefined ? 'not set (no auth)' : 'set'}`,
  );
  return lines.join('\n');
}

function describeDeployment(d: Deployment): string {
  const parts = [d.id, `${d.provider}/${d.upstreamModel}`];
  parts.push(d.apiBase === undefined ? '(no api_base)' : stripUrlCredentials(d.apiBase));
  parts.push(`order ${d.order}`);
  if (d.weight !== undefined) parts.push(`weight ${d.weight}`);
  if (d.rpm !== undefined) parts.push(`rpm ${d.rpm}`);
  if (d.tpm !== undefined) parts.push(`tpm ${d.tpm}`);
  if (d.region !== undefined) parts.push(`region ${d.region}`);
  if (d.mockResponse !== undefined) parts.push('mock_response');
  return parts.join('  ');
}

function describeFallbacks(label: string, map: FallbackMap): string[] {
  if (map.size === 0) return [`  ${label}: none`];
  return [`  ${label}:`, ...[...map].map(([from, to]) => `    ${from} → ${to.join(', ')}`)];
}

function describeRetries(plan: RouterPlan): string {
  const s = plan.settings;
  const parts = [String(s.numRetries)];
  if (s.retryPolicy !== undefined) parts.push('retry_policy set');
  if (s.modelGroupRetryPolicy.size > 0) {
    parts.push(`per-group policy for ${[...s.modelGroupRetryPolicy.keys()].join(', ')}`);
  }
  if (s.retryAfterMs > 0) parts.push(`at least ${seconds(s.retryAfterMs)} apart`);
  return parts.join(', ');
}

function describeCooldown(plan: RouterPlan): string {
  const s = plan.settings;
  if (s.disableCooldowns) return 'disabled';
  const trigger =
    s.allowedFails === undefined
      ? 'failure-rate rule'
      : `more than ${s.allowedFails} fails a minute`;
  return `${seconds(s.cooldownTimeMs)} (${trigger})`;
}

function describeRedis(redis: RedisSettings | undefined): string {
  if (redis === undefined) return 'not configured (state is per instance)';
  const where: string[] = [];
  if (redis.url !== undefined) where.push(stripUrlCredentials(redis.url));
  else if (redis.host !== undefined) where.push(`${redis.host}:${redis.port ?? 6379}`);
  if (redis.sentinelNodes !== undefined) {
    where.push(`sentinel ${redis.sentinelMasterName ?? '?'} via ${nodes(redis.sentinelNodes)}`);
  }
  if (redis.startupNodes !== undefined) where.push(`cluster via ${nodes(redis.startupNodes)}`);
  const password = redis.password === undefined ? 'no password' : 'password set';
  return `${where.join('; ')} (${password}), key prefix ${redis.keyPrefix}`;
}

function nodes(list: readonly { host: string; port: number }[]): string {
  return list.map((node) => `${node.host}:${node.port}`).join(', ');
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}
