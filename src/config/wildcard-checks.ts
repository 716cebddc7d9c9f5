/**
 * Start-up checks that keep wildcard groups well formed: a template's `*`s must line up with
 * its pattern's, and a fallback must name something concrete (a pattern or a template is not a
 * target: which model would it call?).
 */
import type { RouterSettings, WildcardGroup } from './plan.ts';
import { isWildcardName, wildcardCount } from './wildcards.ts';

/**
 * Why `upstreamModel` (the model after its provider prefix) cannot serve `modelName`, or
 * undefined when it can.
 */
export function templateIssue(modelName: string, upstreamModel: string): string | undefined {
  const filled = wildcardCount(upstreamModel);
  if (filled === 0) return undefined;
  if (!isWildcardName(modelName)) {
    return `"*" needs a wildcard model_name to fill it (e.g. model_name: "${upstreamModel}")`;
  }
  const given = wildcardCount(modelName);
  if (filled !== given) {
    return (
      `has ${filled} "*" but model_name "${modelName}" has ${given}; ` +
      'each "*" of model_name fills one "*" here, in order'
    );
  }
  return undefined;
}

/** Pushes one issue per fallback target that is a wildcard pattern or template id. */
export function checkWildcardTargets(
  settings: RouterSettings,
  wildcards: readonly WildcardGroup[],
  issues: string[],
): void {
  if (wildcards.length === 0) return;
  const templateIds = new Set(wildcards.flatMap((group) => group.deployments.map((d) => d.id)));
  const lists: [string, Iterable<readonly string[]>][] = [
    ['fallbacks', settings.fallbacks.values()],
    ['context_window_fallbacks', settings.contextWindowFallbacks.values()],
    ['content_policy_fallbacks', settings.contentPolicyFallbacks.values()],
    ['default_fallbacks', [settings.defaultFallbacks]],
  ];
  for (const [key, targetLists] of lists) {
    for (const targets of targetLists) {
      for (const target of targets) {
        if (isWildcardName(target) || templateIds.has(target)) {
          issues.push(
            `${key}: "${target}" is a wildcard group; a fallback must name a group, a deployment ` +
              'or a model name a wildcard serves (e.g. "openai/gpt-4o-mini")',
          );
        }
      }
    }
  }
}
