/**
 * A deployment's automatic id: the same on every instance (shared cooldowns and usage counters
 * are keyed by it), computed from the config as written, before `os.environ/` references are
 * resolved. It never depends on a secret: a literal secret is replaced by a placeholder, a
 * reference stays the reference, so rotating a key never changes an id.
 */
import { createHash } from 'node:crypto';
import { envRefName } from './env-refs.ts';
import { isPlainObject, isSecretKey } from './secrets.ts';

/** Hex characters kept from the sha256 (64 bits: collisions are not a practical concern). */
const ID_HEX_CHARS = 16;

/**
 * The automatic id of a `model_list` entry: the first 16 hex characters of the sha256 of the
 * canonical JSON of `{model_name, litellm_params}` as written in the file, literal secrets
 * replaced by their own sha256.
 */
export function deploymentHash(modelName: unknown, litellmParams: unknown): string {
  const text = canonicalJson({
    model_name: modelName,
    litellm_params: withoutSecrets(litellmParams),
  });
  return createHash('sha256').update(text).digest('hex').slice(0, ID_HEX_CHARS);
}

/** JSON with mapping keys sorted at every depth, so key order in the file does not matter. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? secretStandIn(inner) : withoutSecrets(inner);
  }
  return out;
}

/** An `os.environ/NAME` reference names where the secret lives, which is not secret. */
function secretStandIn(value: unknown): unknown {
  if (envRefName(value) !== undefined) return value;
  return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
}
