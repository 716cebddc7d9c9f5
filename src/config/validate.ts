/**
 * Runs the schema over a config tree, in two steps. Before env resolution, keys the schema
 * does not know are found and removed (they become one warning, never an error, and an
 * `os.environ/` variable they reference need not exist). After env resolution, the tree is
 * validated and every wrong type or value is reported at once.
 */
import type { z } from 'zod';
import { ConfigError, formatIssue } from './errors.ts';
import { formatPath } from './paths.ts';
import { IGNORED_KEYS, configSchema, type ValidatedConfig } from './schema.ts';
import { isPlainObject } from './secrets.ts';

/** The result of pruneKeys(). */
export interface Pruned {
  /** A copy of the tree without ignored and unknown keys. */
  readonly tree: Record<string, unknown>;
  /** Paths of the unknown keys removed, in file order (`general_settings.foo`). */
  readonly unknownKeys: readonly string[];
}

/**
 * Removes LiteLLM keys we knowingly ignore (IGNORED_KEYS) and keys the schema does not know.
 * Runs on the tree as written: env references only replace leaf strings, so key paths are the
 * same before and after resolution.
 */
export function pruneKeys(tree: Record<string, unknown>): Pruned {
  const copy = structuredClone(tree);
  for (const [section, keys] of Object.entries(IGNORED_KEYS)) {
    const node = copy[section];
    if (isPlainObject(node)) for (const key of keys) delete node[key];
  }
  const result = configSchema.safeParse(copy);
  const unknown = result.success
    ? []
    : result.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
  for (const issue of unknown) deleteKeys(copy, issue.path, issue.keys);
  const unknownKeys = unknown.flatMap((issue) =>
    issue.keys.map((key) => formatPath([...issue.path, key])),
  );
  return { tree: copy, unknownKeys };
}

/** Options of validateConfig(). */
export interface ValidateOptions {
  /** Formatted path → environment variable name, from resolveEnvRefs. */
  readonly fromEnv?: ReadonlyMap<string, string>;
  readonly source?: string | undefined;
}

/** Validates a pruned, env-resolved tree. Throws one ConfigError listing every problem. */
export function validateConfig(tree: unknown, options: ValidateOptions = {}): ValidatedConfig {
  const result = configSchema.safeParse(tree, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => issueLine(issue, options));
  throw new ConfigError(`invalid config (${plural(lines.length, 'problem')})`, lines, {
    source: options.source,
  });
}

function issueLine(issue: z.core.$ZodIssue, options: ValidateOptions): string {
  if (issue.code === 'unrecognized_keys') {
    // Not reachable after pruneKeys; kept so a caller that skips pruning still gets a line.
    return `${formatPath(issue.path)}: unknown keys ${issue.keys.join(', ')}`;
  }
  const envVar = options.fromEnv?.get(formatPath(issue.path));
  return formatIssue(issue.path, { value: issue.input, envVar }, issue.message);
}

function deleteKeys(tree: unknown, path: readonly PropertyKey[], keys: readonly string[]): void {
  let node: unknown = tree;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string') node = node[segment];
    else return;
  }
  if (isPlainObject(node)) for (const key of keys) delete node[key];
}

/** `1 problem`, `3 problems`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
