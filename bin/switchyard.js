#!/usr/bin/env node
// Runs dist/ (compiled by `npm run build`, which `npm install` / `npm ci` run as `prepare`) when
// it was built from the sources as they are now; otherwise the TypeScript sources, which tsx
// compiles on load. A stale dist/ is never run (see bin/dist.js).
import { distIsFresh } from './dist.js';
import { applyHeapPolicy } from './heap-policy.js';

// First: V8 decides its first full collection's threshold while the modules below load.
applyHeapPolicy();

if (distIsFresh()) {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
