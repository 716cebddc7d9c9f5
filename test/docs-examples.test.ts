/**
 * Every complete config shown in the README and docs (a YAML block with a `model_list`) must
 * be accepted by the gateway, so what users copy from the docs runs as the docs show.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileConfig, ConfigError, parseConfig } from '../src/config/index.ts';
import { REPO_ROOT } from './helpers/child-gateway.ts';

/** Each variable the example references (`os.environ/NAME`) set to a placeholder; no others. */
function envFor(block: string): Record<string, string> {
  const names = [...block.matchAll(/os\.environ\/([A-Za-z_][A-Za-z0-9_]*)/g)].map(
    (match) => match[1] ?? '',
  );
  return Object.fromEntries(names.map((name) => [name, `placeholder-${name}`]));
}

function configBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .filter((block) => /^model_list:/m.test(block));
}

const files = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs')).map((name) => join('docs', name)),
];

for (const file of files) {
  const blocks = configBlocks(readFileSync(join(REPO_ROOT, file), 'utf8'));
  blocks.forEach((block, index) => {
    void test(`${file}: config example ${index + 1} is accepted`, () => {
      try {
        const env = envFor(block);
        compileConfig(parseConfig(block, { env }), { env });
      } catch (error) {
        if (error instanceof ConfigError) assert.fail(`${error.issues.join('\n')}\n---\n${block}`);
        throw error;
      }
    });
  });
}
