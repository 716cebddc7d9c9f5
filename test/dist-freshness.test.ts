/**
 * When `npm start` and `npx switchyard` may run the compiled dist/ instead of the sources: only
 * a complete build newer than every source file and build input. A stale build would serve old
 * code after an edit or a checkout, silently.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { distIsFresh } from '../bin/dist.js';

const BUILT_AT = Date.UTC(2026, 0, 1, 12);
let packageRoot: string;

/** Sets a file's modification time, in ms since the epoch (no waiting for the clock). */
function touch(relative: string, mtimeMs: number): void {
  const path = join(packageRoot, relative);
  utimesSync(path, mtimeMs / 1000, mtimeMs / 1000);
}

beforeEach(() => {
  packageRoot = mkdtempSync(join(tmpdir(), 'switchyard-dist-'));
  mkdirSync(join(packageRoot, 'src', 'router'), { recursive: true });
  mkdirSync(join(packageRoot, 'dist'));
  for (const file of [
    'src/cli.ts',
    'src/router/router.ts',
    'tsconfig.json',
    'tsconfig.build.json',
  ]) {
    writeFileSync(join(packageRoot, file), '');
    touch(file, BUILT_AT - 60_000);
  }
  writeFileSync(join(packageRoot, 'dist', '.build-stamp'), String(BUILT_AT));
});

afterEach(() => {
  rmSync(packageRoot, { recursive: true, force: true });
});

const fresh = (): boolean => distIsFresh({ honourEnv: false, packageRoot });

test('a build newer than every source runs', () => {
  assert.equal(fresh(), true);
});

test('a source edited after the build started makes dist/ stale, however deep it is', () => {
  touch('src/router/router.ts', BUILT_AT + 1);
  assert.equal(fresh(), false);
});

test('a changed tsconfig makes dist/ stale', () => {
  touch('tsconfig.build.json', BUILT_AT + 1);
  assert.equal(fresh(), false);
});

test('no stamp (no build, or one that failed before its end) means the sources run', () => {
  rmSync(join(packageRoot, 'dist', '.build-stamp'));
  assert.equal(fresh(), false);
  writeFileSync(join(packageRoot, 'dist', '.build-stamp'), 'not a time');
  assert.equal(fresh(), false);
});

test('SWITCHYARD_FROM_SOURCE=1 runs the sources even with a fresh build', (t) => {
  const before = process.env.SWITCHYARD_FROM_SOURCE;
  t.after(() => {
    if (before === undefined) delete process.env.SWITCHYARD_FROM_SOURCE;
    else process.env.SWITCHYARD_FROM_SOURCE = before;
  });
  process.env.SWITCHYARD_FROM_SOURCE = '1';
  assert.equal(distIsFresh({ packageRoot }), false);
});
