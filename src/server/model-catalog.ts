import { unknownModelError } from '../errors/common-errors.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

/** The model names clients may ask for: fixed at start-up, so it is built once. */
export interface ModelCatalog {
  /** Listed names (groups, wildcard patterns, aliases not hidden), in config order. */
  readonly names: readonly string[];
  /** Whether `name` is served: a listed name, a hidden alias, or a name a wildcard serves. */
  has(name: string): boolean;
  /** LiteLLM's 400 for a model no group serves, listing the groups (param `model`). */
  unknownModelError(model: string): GatewayError;
}

/**
 * @param serves the engine's own test (hidden aliases, wildcard names); default: membership in
 *   `listed`.
 */
export function createModelCatalog(
  listed: readonly string[],
  serves?: (name: string) => boolean,
): ModelCatalog {
  const names = Object.freeze([...listed]);
  const known = new Set(names);
  return {
    names,
    has: serves ?? ((name) => known.has(name)),
    unknownModelError: (model) => unknownModelError(model, names),
  };
}
