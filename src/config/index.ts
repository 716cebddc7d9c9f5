/**
 * The config module's public surface: LiteLLM-compatible `config.yaml` → validated →
 * frozen RouterPlan, plus the text `switchyard check` prints.
 */
import { compileConfig } from './compile.ts';
import type { Env } from './env-refs.ts';
import { loadConfigFile } from './load.ts';
import type { RouterPlan } from './plan.ts';

export { compileConfig } from './compile.ts';
export type { CompileOptions } from './compile.ts';
export { describePlan } from './describe.ts';
export { ENV_REF_PREFIX } from './env-refs.ts';
export type { Env } from './env-refs.ts';
export { ConfigError } from './errors.ts';
export type { ConfigErrorOptions } from './errors.ts';
export { loadConfigFile, loadConfigObject, parseConfig } from './load.ts';
export type { LoadOptions, LoadedConfig, ParseOptions } from './load.ts';
export { MODEL_MODES, ROUTING_STRATEGIES, configSchema } from './schema.ts';
export type {
  GeneralSettingsInput,
  LitellmParams,
  LitellmSettingsInput,
  ModelEntry,
  ModelInfo,
  ReliabilityInput,
  ValidatedConfig,
} from './schema.ts';
export type * from './plan.ts';

/** What loadPlan returns: the plan and the warnings to log once (also in `plan.warnings`). */
export interface LoadedPlan {
  readonly plan: RouterPlan;
  readonly warnings: readonly string[];
}

/**
 * Reads, validates and compiles the config at `path` with one environment (default
 * `process.env`). Throws ConfigError (exitCode 2) listing every problem.
 */
export function loadPlan(path: string, options: { env?: Env } = {}): LoadedPlan {
  const loaded = loadConfigFile(path, options);
  const plan = compileConfig(loaded, options);
  return { plan, warnings: plan.warnings };
}
