/**
 * Config paths as users read them: `model_list[2].litellm_params.timeout`. Every message about
 * a key uses this one spelling, so an operator can search the YAML for it.
 */

/** One step into the config tree: a mapping key or a list index. */
export type PathSegment = string | number;

/** A path into the config tree, from the root. */
export type ConfigPath = readonly PathSegment[];

/**
 * Formats `path` as `a.b[0].c`. Keys are joined with dots and never quoted: group names such as
 * `gpt-3.5-turbo` stay readable, and the message quotes the offending value anyway. The root
 * (an empty path) prints as `(root)`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}
