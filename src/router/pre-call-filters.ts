/**
 * The pre-call filters a router runs, built once from the plan: the region restriction always
 * (it acts only on requests that ask for it), the context-window check only with
 * `enable_pre_call_checks`. The encodings the check will count with are loaded here, at
 * start-up, so the first large request does not pay ~150 ms for them.
 */
import type { RouterPlan } from '../config/plan.ts';
import { preloadEncoding } from '../tokens/index.ts';
import type { CandidateFilter } from './candidate-filter.ts';
import { createContextWindowFilter, deploymentWindow } from './filters/context-window-filter.ts';
import { createRegionFilter } from './filters/region-filter.ts';
import { configuredDeployments } from './router-setup.ts';

export function createPreCallFilters(plan: RouterPlan): CandidateFilter[] {
  const filters = [createRegionFilter()];
  if (plan.settings.enablePreCallChecks) {
    preloadEncodings(plan);
    filters.push(createContextWindowFilter());
  }
  return filters;
}

function preloadEncodings(plan: RouterPlan): void {
  const encodings = new Set<string>();
  for (const deployment of configuredDeployments(plan)) {
    const window = deploymentWindow(deployment);
    if (window !== undefined) encodings.add(window.encoding);
  }
  // A wildcard serves names only known at request time: either encoding may be needed.
  if (plan.wildcards.length > 0) encodings.add('o200k_base').add('cl100k_base');
  // preloadEncoding() takes a model name; these two pick each encoding.
  if (encodings.has('o200k_base')) preloadEncoding('gpt-4o');
  if (encodings.has('cl100k_base')) preloadEncoding('gpt-4');
}
