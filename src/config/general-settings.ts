/**
 * GeneralSettings: the proxy's own settings (auth, limits, health checks, shutdown), from
 * `general_settings`, with the master key falling back to LITELLM_MASTER_KEY like LiteLLM.
 */
import { toMs } from './durations.ts';
import type { Env } from './env-refs.ts';
import type { GeneralSettings } from './plan.ts';
import type { GeneralSettingsInput, ValidatedConfig } from './schema.ts';

const MIB = 1024 * 1024;

/** Defaults, in the plan's units (bytes, ms). */
export const GENERAL_DEFAULTS = Object.freeze({
  maxRequestBodyBytes: 10 * MIB,
  /** LiteLLM hard-codes 60 s; a probe that slow already means "unhealthy" to a load balancer. */
  healthCheckTimeoutMs: 10_000,
  healthCheckIntervalMs: 300_000,
  drainTimeoutMs: 30_000,
} as const);

/** Compiles `general_settings`; an empty master key is pushed onto `issues`. */
export function compileGeneralSettings(
  config: ValidatedConfig,
  env: Env,
  issues: string[],
): GeneralSettings {
  const general: GeneralSettingsInput = config.general_settings ?? {};
  if (general.master_key === '') {
    // An empty key would silently turn auth off; make the user say so by removing the key.
    issues.push('general_settings.master_key: is empty; remove the key to run without auth');
  }
  const envKey = env['LITELLM_MASTER_KEY'];
  const masterKey = nonEmpty(general.master_key) ?? nonEmpty(envKey);
  const sizeMb = general.max_request_size_mb;
  return Object.freeze({
    masterKey,
    maxRequestBodyBytes:
      sizeMb === undefined ? GENERAL_DEFAULTS.maxRequestBodyBytes : Math.round(sizeMb * MIB),
    healthCheckTimeoutMs:
      toMs(general.health_check_timeout) ?? GENERAL_DEFAULTS.healthCheckTimeoutMs,
    backgroundHealthChecks: general.background_health_checks ?? false,
    healthCheckIntervalMs:
      toMs(general.health_check_interval) ?? GENERAL_DEFAULTS.healthCheckIntervalMs,
    enableHealthCheckRouting: general.enable_health_check_routing ?? false,
    requireAuthForMetrics:
      general.require_auth_for_metrics_endpoint ??
      config.litellm_settings?.require_auth_for_metrics_endpoint ??
      false,
    drainTimeoutMs: toMs(general.drain_timeout) ?? GENERAL_DEFAULTS.drainTimeoutMs,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
