/**
 * The context-window pre-call check (`enable_pre_call_checks`): deployments whose input window
 * is smaller than the request are not offered. A deployment's window is
 * `model_info.max_input_tokens`, else the published window of `model_info.base_model` or of its
 * upstream model (tokens/context-windows.ts); a deployment of unknown window is always kept.
 * When no deployment of the group fits, the client gets ContextWindowExceededError (400), so
 * `context_window_fallbacks` run.
 *
 * Cost: nothing for a group with no known window; for the others, a byte count of the request
 * (no tokenizer) and, only when that bound exceeds the smallest window, a real count per
 * distinct encoding, once per request body.
 */
import type { ModelGroup } from '../../config/plan.ts';
import type { Deployment } from '../../core/deployment.ts';
import type { GatewayRequestBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import {
  countInputTokens,
  encodingFor,
  inputTokenCeiling,
  knownContextWindow,
  type EncodingName,
} from '../../tokens/index.ts';
import type { Admission, CandidateFilter, FilterRequest } from '../candidate-filter.ts';

/** A deployment's window and how its tokens are counted. */
export interface DeploymentWindow {
  readonly maxInputTokens: number;
  readonly encoding: EncodingName;
}

/** A model counted with each encoding (countInputTokens picks the encoding from the name). */
const ENCODING_MODEL: Readonly<Record<EncodingName, string>> = {
  o200k_base: 'gpt-4o',
  cl100k_base: 'gpt-4',
};

/**
 * The window of `deployment`, or undefined when unknown. `base_model` names the real model
 * behind an Azure deployment name (`azure/my-gpt4` → `azure/gpt-4o`), as in LiteLLM.
 */
export function deploymentWindow(deployment: Deployment): DeploymentWindow | undefined {
  const { info } = deployment;
  const model = typeof info.base_model === 'string' ? info.base_model : deployment.upstreamModel;
  const maxInputTokens = info.max_input_tokens ?? knownContextWindow(model);
  if (maxInputTokens === undefined) return undefined;
  return { maxInputTokens, encoding: encodingFor(model) };
}

export function createContextWindowFilter(): CandidateFilter {
  // Weak keys: groups derived for wildcard names and request bodies come and go.
  const windowsOf = new WeakMap<ModelGroup, GroupWindows | null>();
  const countsOf = new WeakMap<GatewayRequestBody, Map<EncodingName, number>>();
  return {
    name: 'context-window',
    admissionFor(request) {
      let windows = windowsOf.get(request.group);
      if (windows === undefined) {
        windows = groupWindows(request.group);
        windowsOf.set(request.group, windows);
      }
      if (windows === null) return undefined;
      // Even counting one token per byte, the request fits the smallest window: nothing to do.
      if (inputTokenCeiling(request.operation, request.body) <= windows.smallest) return undefined;
      let counts = countsOf.get(request.body);
      if (counts === undefined) {
        counts = new Map();
        countsOf.set(request.body, counts);
      }
      return windowAdmission(request, windows, counts);
    },
  };
}

/** The group's known windows; null when none is known (the check does not apply). */
interface GroupWindows {
  readonly byDeployment: ReadonlyMap<Deployment, DeploymentWindow>;
  readonly smallest: number;
}

function groupWindows(group: ModelGroup): GroupWindows | null {
  const byDeployment = new Map<Deployment, DeploymentWindow>();
  let smallest = Number.POSITIVE_INFINITY;
  for (const deployment of group.deployments) {
    const window = deploymentWindow(deployment);
    if (window === undefined) continue;
    byDeployment.set(deployment, window);
    smallest = Math.min(smallest, window.maxInputTokens);
  }
  return byDeployment.size === 0 ? null : { byDeployment, smallest };
}

function windowAdmission(
  request: FilterRequest,
  windows: GroupWindows,
  counts: Map<EncodingName, number>,
): Admission {
  const tokens = (encoding: EncodingName): number => {
    let count = counts.get(encoding);
    if (count === undefined) {
      count = countInputTokens(request.operation, request.body, ENCODING_MODEL[encoding]);
      counts.set(encoding, count);
    }
    return count;
  };
  const admits = (deployment: Deployment): boolean => {
    const window = windows.byDeployment.get(deployment);
    return window === undefined || tokens(window.encoding) <= window.maxInputTokens;
  };
  return {
    admits,
    rejection() {
      // A deployment that fits is benched: the all-benched 429 is the real answer.
      if (request.group.deployments.some(admits)) return undefined;
      return exceeded(request, windows, tokens);
    },
  };
}

function exceeded(
  request: FilterRequest,
  windows: GroupWindows,
  tokens: (encoding: EncodingName) => number,
): GatewayError {
  let largest: DeploymentWindow | undefined;
  for (const window of windows.byDeployment.values()) {
    if (largest === undefined || window.maxInputTokens > largest.maxInputTokens) largest = window;
  }
  const max = largest?.maxInputTokens ?? 0;
  const got = largest === undefined ? 0 : tokens(largest.encoding);
  const param =
    request.operation === 'chat'
      ? 'messages'
      : request.operation === 'completion'
        ? 'prompt'
        : 'input';
  return new GatewayError(
    'ContextWindowExceededError',
    `litellm.ContextWindowExceededError: Context Window exceeded for given call: the request has ` +
      `${got} input tokens and the largest context window in model group ${request.group.name} ` +
      `is ${max} tokens (pre-call check). No deployment can take it.`,
    { param },
  );
}
