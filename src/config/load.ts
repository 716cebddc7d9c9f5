/**
 * From YAML text to a validated config: parse (syntax errors with line and column), check the
 * root is a mapping, resolve `os.environ/` references, validate against the schema, and
 * compute automatic deployment ids from the config as written. Nothing here touches the
 * network; the environment is injected.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { deploymentHash } from './deployment-id.ts';
import { type Env, resolveEnvRefs } from './env-refs.ts';
import { ConfigError } from './errors.ts';
import type { ValidatedConfig } from './schema.ts';
import { isPlainObject } from './secrets.ts';
import { pruneKeys, validateConfig } from './validate.ts';

/** Options of loadConfigFile(). */
export interface LoadOptions {
  /** Where `os.environ/NAME` references are looked up. Default `process.env`. */
  readonly env?: Env;
}

/** Options of parseConfig(). */
export interface ParseOptions extends LoadOptions {
  /** Where the text came from (a file path), used to prefix error messages. */
  readonly source?: string;
}

/** A config that passed validation, ready for compileConfig(). */
export interface LoadedConfig {
  readonly config: ValidatedConfig;
  /** Non-fatal findings, one line each (unknown keys, an empty model_list). */
  readonly warnings: readonly string[];
  /**
   * The automatic id of each `model_list` entry, by index, hashed from the entry as written
   * (before env resolution), so it is the same on every instance and never holds a secret.
   */
  readonly autoIds: readonly string[];
  readonly source: string | undefined;
}

const TOP_LEVEL_HINT =
  'a mapping with model_list, router_settings, litellm_settings, general_settings';

/** Parses and validates `yamlText`. Throws ConfigError with every problem found. */
export function parseConfig(yamlText: string, options: ParseOptions = {}): LoadedConfig {
  return loadConfigObject(parseYaml(yamlText, options.source), options);
}

/**
 * Validates a config given as a value (the library's `new Router({ model_list: […] })`), exactly
 * as if it had been read from YAML. Throws ConfigError with every problem found.
 */
export function loadConfigObject(value: unknown, options: ParseOptions = {}): LoadedConfig {
  const { source } = options;
  const written = dropNulls(value);
  if (written === undefined) {
    const issue = `the config is empty: expected ${TOP_LEVEL_HINT}`;
    throw new ConfigError('the config is empty', [issue], { source });
  }
  if (!isPlainObject(written)) {
    const got = Array.isArray(written) ? 'a list' : `a ${typeof written}`;
    const issue = `the config must be ${TOP_LEVEL_HINT}; got ${got}`;
    throw new ConfigError('the config is not a mapping', [issue], { source });
  }

  // Prune before resolving: an unset variable referenced only by an ignored key is no error.
  const { tree, unknownKeys } = pruneKeys(written);
  const resolved = resolveEnvRefs(tree, options.env ?? process.env, source);
  const config = validateConfig(resolved.value, { fromEnv: resolved.fromEnv, source });

  const warnings: string[] = [];
  if (unknownKeys.length > 0) warnings.push(`unknown keys (ignored): ${unknownKeys.join(', ')}`);
  if ((config.model_list ?? []).length === 0) {
    warnings.push('model_list is empty: every request will fail until deployments are added');
  }
  return { config, warnings, autoIds: autoIdsOf(written), source };
}

/**
 * Reads `path` (UTF-8) and parses it like parseConfig, naming the file in errors. Synchronous:
 * it runs once at start-up, before there is anything to serve concurrently.
 */
export function loadConfigFile(path: string, options: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError('cannot read the config file', [`cannot read ${path}: ${reason}`], {
      source: path,
      cause: error,
    });
  }
  return parseConfig(text, { ...options, source: path });
}

function parseYaml(text: string, source: string | undefined): unknown {
  // YAML 1.2 core schema (so `api_version: 2024-06-01` stays a string), plus `<<` merge keys,
  // which LiteLLM configs use with anchors. Duplicate keys are errors: PyYAML would silently
  // keep the last one, which hides mistakes such as two `model_list:` sections.
  const doc = YAML.parseDocument(text, { merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((error) => {
      const where = error.linePos?.[0];
      const at = where === undefined ? '' : ` at line ${where.line}, column ${where.col}`;
      return `YAML syntax error${at}: ${firstLine(error.message)}`;
    });
    throw new ConfigError('YAML syntax error', lines, { source });
  }
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

/**
 * The description of a yaml error without its position suffix and source excerpt: the excerpt
 * would echo the offending line, which may hold a literal key.
 */
function firstLine(message: string): string {
  const head = message.split('\n', 1)[0] ?? message;
  return head.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * The tree without null-valued mapping keys: `api_key:` with nothing after it is absent, as in
 * LiteLLM (Python None). Nulls inside lists are kept so validation reports them.
 */
function dropNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((item) => (item === null ? null : dropNulls(item)));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== null) out[key] = dropNulls(inner);
  }
  return out;
}

function autoIdsOf(written: Record<string, unknown>): string[] {
  const list = written['model_list'];
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown) =>
    isPlainObject(entry) ? deploymentHash(entry['model_name'], entry['litellm_params']) : '',
  );
}
