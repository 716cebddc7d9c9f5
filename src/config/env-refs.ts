/**
 * LiteLLM's `os.environ/NAME` references — every string value in the config that is exactly
 * `os.environ/NAME` is replaced by that environment variable, so secrets stay out of the file.
 * The environment is injected (tests pass a plain object); values are never printed.
 */
import { ConfigError } from './errors.ts';
import type { PathSegment } from './paths.ts';
import { formatPath } from './paths.ts';
import { isPlainObject } from './secrets.ts';

/** The environment to resolve from, e.g. `process.env`. Values are always strings. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The prefix LiteLLM uses for environment references. */
export const ENV_REF_PREFIX = 'os.environ/';

/** The result of resolveEnvRefs(). */
export interface EnvResolution {
  /** The tree with every reference replaced by its variable's value. */
  readonly value: unknown;
  /**
   * Which variable each resolved value came from, by formatted path
   * (`model_list[0].litellm_params.api_key` → `AZURE_API_KEY`). Error messages use it to
   * point at the variable instead of printing its value.
   */
  readonly fromEnv: ReadonlyMap<string, string>;
}

/** The variable name when `value` is an `os.environ/NAME` reference, else undefined. */
export function envRefName(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(ENV_REF_PREFIX)) return undefined;
  return value.slice(ENV_REF_PREFIX.length).trim();
}

/**
 * Resolves every `os.environ/NAME` string in `tree` (mappings and lists, at any depth; keys
 * are left alone). Throws one ConfigError listing every unset variable with the path that
 * references it. An empty-string variable counts as set, like Python's `os.getenv`.
 */
export function resolveEnvRefs(tree: unknown, env: Env, source?: string): EnvResolution {
  const fromEnv = new Map<string, string>();
  const issues: string[] = [];

  const visit = (value: unknown, path: PathSegment[]): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = visit(inner, [...path, key]);
      return out;
    }
    const name = envRefName(value);
    if (name === undefined) return value;
    const where = formatPath(path);
    if (name === '') {
      issues.push(`${where}: "${ENV_REF_PREFIX}" names no environment variable`);
      return value;
    }
    const resolved = env[name];
    if (resolved === undefined) {
      issues.push(`${where}: environment variable ${name} is not set (${ENV_REF_PREFIX}${name})`);
      return value;
    }
    fromEnv.set(where, name);
    return resolved;
  };

  const value = visit(tree, []);
  if (issues.length > 0) {
    throw new ConfigError('config references unset environment variables', issues, { source });
  }
  return { value, fromEnv };
}
