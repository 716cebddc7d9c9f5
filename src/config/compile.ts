/**
 * A validated config → the frozen RouterPlan the router reads: deployments with fixed ids,
 * groups in config order, merged reliability settings, checked fallback references. Runs once
 * at start-up; every problem is reported in one ConfigError.
 */
import type { Deployment } from '../core/deployment.ts';
import { compileDeployment } from './compile-deployment.ts';
import { deploymentHash } from './deployment-id.ts';
import type { Env } from './env-refs.ts';
import { ConfigError } from './errors.ts';
import { compileGeneralSettings } from './general-settings.ts';
import type { LoadedConfig } from './load.ts';
import type { ModelGroup, RouterPlan, WildcardGroup } from './plan.ts';
import { deploymentModelKey } from './known-names.ts';
import { compileRouterSettings } from './router-settings.ts';
import { plural } from './validate.ts';
import { checkWildcardTargets, templateIssue } from './wildcard-checks.ts';
import { bySpecificity, isWildcardName, matchWildcard, patternRegex } from './wildcards.ts';

/** Options of compileConfig(). */
export interface CompileOptions {
  /** For LITELLM_MASTER_KEY, REDIS_* and provider defaults (OPENAI_API_KEY…). Default `process.env`. */
  readonly env?: Env;
}

/** Compiles `loaded` into a frozen RouterPlan. Throws ConfigError listing every problem. */
export function compileConfig(loaded: LoadedConfig, options: CompileOptions = {}): RouterPlan {
  const env = options.env ?? process.env;
  const issues: string[] = [];
  const entries = loaded.config.model_list ?? [];

  const deployments = new Map<string, Deployment>();
  const firstIndexOf = new Map<string, number>();
  const members = new Map<string, Deployment[]>();
  const templates = new Map<string, Deployment[]>();
  entries.forEach((entry, index) => {
    // Ids come from the entry as written (autoIds); rehashing the validated entry is a fallback
    // for hand-built LoadedConfigs and never sees a literal secret either.
    const autoId = loaded.autoIds[index] || deploymentHash(entry.model_name, entry.litellm_params);
    const id = entry.model_info?.id ?? autoId;
    const earlier = firstIndexOf.get(id);
    if (earlier !== undefined) {
      issues.push(duplicateIdMessage(id, index, earlier, entry.model_info?.id === undefined));
      return;
    }
    firstIndexOf.set(id, index);
    const deployment = compileDeployment(entry, { index, id, env, issues });
    if (deployment === undefined) return;
    const problem = templateIssue(entry.model_name, deployment.upstreamModel);
    if (problem !== undefined) {
      issues.push(`model_list[${index}].litellm_params.model: ${problem}`);
      return;
    }
    // A wildcard entry is a template, not a deployment: the router derives one per name served.
    const wildcard = isWildcardName(deployment.group);
    if (!wildcard) deployments.set(id, deployment);
    const into = wildcard ? templates : members;
    const group = into.get(deployment.group) ?? [];
    group.push(deployment);
    into.set(deployment.group, group);
  });

  const wildcards: WildcardGroup[] = [...templates]
    .map(([pattern, list]) =>
      Object.freeze({ pattern, regex: patternRegex(pattern), deployments: Object.freeze(list) }),
    )
    .sort((a, b) => bySpecificity(a.pattern, b.pattern));
  const groupNames = [...new Set(entries.map((entry) => entry.model_name))];
  const known = {
    groups: groupNames,
    ids: new Set(firstIndexOf.keys()),
    models: new Set([...deployments.values()].map(deploymentModelKey)),
    served: (name: string) => matchWildcard(wildcards, name) !== undefined,
  };
  const settings = compileRouterSettings(loaded.config, { known, wildcards, env, issues });
  checkWildcardTargets(settings, wildcards, issues);
  const general = compileGeneralSettings(loaded.config, env, issues);
  if (issues.length > 0) {
    throw new ConfigError(`invalid config (${plural(issues.length, 'problem')})`, issues, {
      source: loaded.source,
    });
  }

  const groups = new Map<string, ModelGroup>();
  for (const [name, list] of members) {
    groups.set(name, Object.freeze({ name, deployments: Object.freeze(list) }));
  }
  return Object.freeze({
    groups,
    deployments,
    wildcards: Object.freeze(wildcards),
    settings,
    general,
    warnings: Object.freeze([...loaded.warnings]),
  });
}

function duplicateIdMessage(
  id: string,
  index: number,
  earlier: number,
  automatic: boolean,
): string {
  const head = `model_list[${index}]: id "${id}" is already used by model_list[${earlier}]`;
  if (!automatic) return `${head}; model_info.id must be unique (shared cooldowns are keyed by it)`;
  return (
    `${head}: the two entries are identical as written; ` +
    'give each a distinct model_info.id (shared cooldowns are keyed by it)'
  );
}
