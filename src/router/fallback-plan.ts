import type { FallbackMap, RouterSettings } from '../config/plan.ts';
import type { GatewayRequestBody, JsonObject } from '../core/openai-types.ts';
import { GatewayError } from '../errors/gateway-error.ts';

/** One fallback to try: a group name or deployment id, and the body changes it brings. */
export interface FallbackTarget {
  readonly name: string;
  /** Request fields a client-side fallback object overrides (messages, max_tokens, …). */
  readonly overrides: JsonObject | undefined;
}

/**
 * Fields a client-side fallback object may never set: connection and credential fields are the
 * config's alone, and the reliability knobs would let one request rewrite its own plan.
 */
const FORBIDDEN_OVERRIDES = new Set([
  'model',
  'api_base',
  'base_url',
  'api_key',
  'api_version',
  'extra_headers',
  'custom_llm_provider',
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
]);

/**
 * The client's `fallbacks` from the body: group names, or objects with `model` plus request
 * overrides. Undefined when the body has none. Unknown names are a 400 up front, before any
 * upstream is called, rather than a surprise after the primary fails.
 */
export function clientFallbacks(
  body: GatewayRequestBody,
  isTarget: (name: string) => boolean,
): readonly FallbackTarget[] | undefined {
  const raw = body.fallbacks;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw))
    throw badFallbacks('must be a list of model names or {model, …} objects');
  return raw.map((entry: unknown, index) => {
    const target = toTarget(entry);
    if (!target) throw badFallbacks(`[${index}] must be a model name or an object with "model"`);
    if (!isTarget(target.name))
      throw badFallbacks(`[${index}]: "${target.name}" is not a model on this gateway`);
    return target;
  });
}

function toTarget(entry: unknown): FallbackTarget | undefined {
  if (typeof entry === 'string' && entry !== '') return { name: entry, overrides: undefined };
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const { model } = entry as JsonObject;
  if (typeof model !== 'string' || model === '') return undefined;
  const overrides: JsonObject = {};
  for (const [key, value] of Object.entries(entry)) {
    if (!FORBIDDEN_OVERRIDES.has(key)) overrides[key] = value;
  }
  return { name: model, overrides };
}

function badFallbacks(detail: string): GatewayError {
  return new GatewayError(
    'BadRequestError',
    `fallbacks${detail.startsWith('[') ? '' : ' '}${detail}`,
    {
      param: 'fallbacks',
    },
  );
}

/**
 * The configured fallbacks for `group` after `error`: the context-window or content-policy list
 * when the error is of that kind and the group has one, else the generic list for the group,
 * else the default (`"*"` / `default_fallbacks`). Errors that no fallback can help (a malformed
 * request) get none.
 */
export function configuredFallbacks(
  group: string,
  error: GatewayError,
  settings: RouterSettings,
): readonly FallbackTarget[] {
  const kind = error.policy.fallback;
  if (kind === 'none') return [];
  const specific =
    kind === 'context_window'
      ? forGroup(settings.contextWindowFallbacks, group)
      : kind === 'content_policy'
        ? forGroup(settings.contentPolicyFallbacks, group)
        : undefined;
  const names = specific ?? generic(group, settings.fallbacks, settings.defaultFallbacks);
  return names.map((name) => ({ name, overrides: undefined }));
}

function generic(
  group: string,
  fallbacks: FallbackMap,
  defaults: readonly string[],
): readonly string[] {
  return fallbacks.get(group) ?? defaults;
}

/** Whether a fallback list exists that a content-filtered answer could be sent to. */
export function hasContentPolicyFallback(group: string, settings: RouterSettings): boolean {
  return forGroup(settings.contentPolicyFallbacks, group) !== undefined;
}

/** The group's own list, else a `"*"` entry of the same map. */
function forGroup(map: FallbackMap, group: string): readonly string[] | undefined {
  return map.get(group) ?? map.get('*');
}
