#!/usr/bin/env node
// `npm run build` and the `prepare` step of `npm install` / `npm ci`: compiles src/ into dist/
// with tsc. Running from dist/ saves tsx's loader (~35 MB of memory) and its per-closure helper
// (see docs/performance.md). Without TypeScript (`npm ci --omit=dev`) it says so and exits 0:
// bin/switchyard.js then runs the sources through tsx, as it does whenever dist/ is stale.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import console from 'node:console';
import { distIsFresh, root, stampFile } from './dist.js';

// `--if-stale` (npm run bench): nothing to do when dist/ matches the sources.
if (process.argv.includes('--if-stale') && distIsFresh({ honourEnv: false })) process.exit(0);

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  console.error('switchyard build: TypeScript is not installed; the sources will run through tsx.');
  process.exit(0);
}
const startedAt = Date.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (result.status !== 0) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  console.error('switchyard build: tsc failed; dist/ removed, the sources will run through tsx.');
  process.exit(process.env.npm_lifecycle_event === 'prepare' ? 0 : 1);
}
// Last, and with the time the build started: a file edited during the build makes it stale.
writeFileSync(stampFile, String(startedAt));
