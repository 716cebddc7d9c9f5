/**
 * configuration.md is checked against the zod schema so it cannot drift: every key the schema
 * accepts (found by walking it, not from a list kept by hand) appears in the reference as
 * `` `key` ``, and every key the reference's tables document is one the schema accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { z } from 'zod';
import { configSchema, IGNORED_KEYS } from '../src/config/schema.ts';
import { REPO_ROOT } from './helpers/child-gateway.ts';

const DOC_PATH = join(REPO_ROOT, 'docs', 'configuration.md');
const doc = readFileSync(DOC_PATH, 'utf8');

/** One accepted key and where it sits, e.g. `router_settings.retry_policy` + `TimeoutErrorRetries`. */
interface SchemaKey {
  readonly parent: string;
  readonly key: string;
}

type Def = {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly out?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly options?: readonly z.ZodType[];
};

function defOf(schema: z.ZodType): Def {
  return schema._zod.def;
}

/**
 * Every object key reachable from `schema`, through optionals, preprocessing pipes, arrays and
 * record values (a `model_group_retry_policy` maps group names to retry policies).
 */
function schemaKeys(schema: z.ZodType, parent: string): SchemaKey[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return schemaKeys(def.innerType!, parent);
    case 'pipe':
      return schemaKeys(def.out!, parent);
    case 'array':
      return schemaKeys(def.element!, `${parent}[]`);
    case 'record':
      return schemaKeys(def.valueType!, `${parent}.*`);
    case 'union':
      return def.options!.flatMap((option) => schemaKeys(option, parent));
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, child]) => [
        { parent, key },
        ...schemaKeys(child, parent === '' ? key : `${parent}.${key}`),
      ]);
    default:
      return [];
  }
}

const accepted = schemaKeys(configSchema, '');

/** Redis node lists take `{host, port}` mappings; the reference shows them in that form. */
function documented({ parent, key }: SchemaKey): boolean {
  if (doc.includes(`\`${key}\``)) return true;
  return /_nodes\[\]$/.test(parent) && doc.includes('`{host, port}`');
}

test('configuration.md names every key the schema accepts', () => {
  // The walk must reach every section, or this test proves nothing.
  const parents = new Set(accepted.map((item) => item.parent));
  for (const parent of [
    '',
    'model_list[]',
    'model_list[].litellm_params',
    'model_list[].model_info',
    'router_settings',
    'router_settings.retry_policy',
    'router_settings.allowed_fails_policy',
    'litellm_settings',
    'general_settings',
  ]) {
    assert.ok(parents.has(parent), `the schema walk never reached ${parent || 'the top level'}`);
  }
  assert.ok(accepted.length > 80, `only ${accepted.length} keys found`);

  const missing = [
    ...new Set(
      accepted
        .filter((item) => !documented(item))
        .map(({ parent, key }) => (parent === '' ? key : `${parent}.${key}`)),
    ),
  ];
  assert.deepEqual(
    missing,
    [],
    `docs/configuration.md does not mention these accepted keys (as \`key\`):\n  ${missing.join('\n  ')}`,
  );
});

test('configuration.md lists every key accepted and ignored', () => {
  const missing = Object.entries(IGNORED_KEYS).flatMap(([section, keys]) =>
    keys.filter((key) => !doc.includes(`\`${key}\``)).map((key) => `${section}.${key}`),
  );
  assert.deepEqual(
    missing,
    [],
    `ignored keys missing from the reference:\n  ${missing.join('\n  ')}`,
  );
});

/** The lines under a heading of the doc, up to the next heading (of any level). */
function section(heading: string): string {
  const lines = doc.split('\n');
  const start = lines.indexOf(heading);
  assert.notEqual(start, -1, `docs/configuration.md has no heading "${heading}"`);
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The backticked names in the first cell of each table row. */
function tableKeys(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      const cell = line.split('|')[1] ?? '';
      return [...cell.matchAll(/`([A-Za-z_*]+)`/g)].map((match) => match[1]!);
    });
}

function keysUnder(parent: string): Set<string> {
  return new Set(accepted.filter((item) => item.parent === parent).map((item) => item.key));
}

test("configuration.md's tables document no key the schema does not accept", () => {
  const reliability = new Set([
    ...keysUnder('router_settings'),
    ...keysUnder('router_settings.retry_policy'),
    ...keysUnder('router_settings.allowed_fails_policy'),
  ]);
  const tables: [string, Set<string>][] = [
    ['## `model_list`', keysUnder('model_list[]')],
    ['### `litellm_params`', keysUnder('model_list[].litellm_params')],
    ['### `model_info`', keysUnder('model_list[].model_info')],
    ['## Reliability settings', reliability],
    ['## Redis settings', keysUnder('router_settings')],
    ['## `general_settings`', keysUnder('general_settings')],
  ];
  const stale: string[] = [];
  for (const [heading, keys] of tables) {
    const found = tableKeys(section(heading));
    assert.ok(found.length > 0, `no table rows under ${heading}`);
    for (const key of found) {
      const known = key.endsWith('*')
        ? [...keys].some((name) => name.startsWith(key.slice(0, -1)))
        : keys.has(key);
      if (!known) stale.push(`${heading}: \`${key}\``);
    }
  }
  assert.deepEqual(
    stale,
    [],
    `documented but not accepted by the schema:\n  ${stale.join('\n  ')}`,
  );
});
