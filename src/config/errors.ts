/**
 * ConfigError: everything wrong with a config, one line per problem, raised once at start-up.
 * Lines name the key as a path, show the offending value (never a secret), and say what is
 * allowed, so a user can fix every problem in one edit instead of one per restart.
 */
import { formatPath } from './paths.ts';
import { REDACTED, isSecretPath, redactTree } from './secrets.ts';

/** Longest rendering of an offending value, in characters, before it is cut with `…`. */
const MAX_VALUE_CHARS = 60;

/** For the rare value JSON cannot show (a cycle, a bigint). */
const UNPRINTABLE = 'a value that cannot be printed';

/** Options of the ConfigError constructor. */
export interface ConfigErrorOptions {
  /** Where the config came from (a file path), prefixed to the message. */
  readonly source?: string;
  readonly cause?: unknown;
}

/**
 * A config that cannot be served. `switchyard check` and `serve` print `message` and exit
 * with `exitCode` (2, the conventional "usage/config error" status, distinct from a crash).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Stable code for programmatic matching. */
  readonly code = 'CONFIG_INVALID';
  /** Process exit status for the CLI. Always 2. */
  readonly exitCode = 2;
  /** One line per problem, without a leading bullet. */
  readonly issues: readonly string[];
  readonly source: string | undefined;

  constructor(summary: string, issues: readonly string[], options: ConfigErrorOptions = {}) {
    const head = options.source === undefined ? summary : `${options.source}: ${summary}`;
    const body = issues.map((line) => `\n  - ${line}`).join('');
    super(head + body, options.cause === undefined ? undefined : { cause: options.cause });
    this.issues = Object.freeze([...issues]);
    this.source = options.source;
  }
}

/** The offending value of an issue and where it came from. */
export interface IssueValue {
  /** The value found at the path; `undefined` means the key is absent. */
  readonly value: unknown;
  /** The environment variable the value came from, when it came from `os.environ/NAME`. */
  readonly envVar?: string | undefined;
}

/**
 * One issue line: `model_list[2].litellm_params.timeout: got "abc"; expected a positive
 * number (seconds)`, or `…: is required` when the key is absent. `expected` says what is
 * allowed and is printed as given.
 */
export function formatIssue(
  path: readonly PropertyKey[],
  found: IssueValue,
  expected: string,
): string {
  const where = formatPath(path);
  if (found.value === undefined && found.envVar === undefined) return `${where}: is required`;
  return `${where}: got ${describeValue(path, found)}; ${expected}`;
}

/**
 * The offending value for a message: `<redacted>` under a secret key, a pointer to the
 * environment variable when the value came from one (env values may be secrets wherever they
 * are used), else JSON cut to about 60 characters.
 */
export function describeValue(path: readonly PropertyKey[], found: IssueValue): string {
  if (isSecretPath(path)) return REDACTED;
  if (found.envVar !== undefined) return `the value of os.environ/${found.envVar} (not shown)`;
  return truncate(toJson(redactTree(found.value)));
}

function toJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  try {
    return JSON.stringify(value) ?? UNPRINTABLE;
  } catch {
    return UNPRINTABLE;
  }
}

function truncate(text: string): string {
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS - 1)}…`;
}
