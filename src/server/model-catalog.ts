import { unknownModelError } from '../errors/common-errors.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

/** The model groups clients may ask for: fixed at start-up, so it is built once. */
export interface ModelCatalog {
  /** Group names in config order. */
  readonly names: readonly string[];
  has(name: string): boolean;
  /** LiteLLM's 400 for a model no group serves, listing the groups (param `model`). */
  unknownModelError(model: string): GatewayError;
}

export function createModelCatalog(groups: readonly string[]): ModelCatalog {
  const names = Object.freeze([...groups]);
  const known = new Set(names);
  return {
    names,
    has: (name) => known.has(name),
    unknownModelError: (model) => unknownModelError(model, names),
  };
}
