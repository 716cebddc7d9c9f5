// Whether dist/ (the compiled JavaScript) may be run instead of the TypeScript sources, and the
// build that writes it. Shared by bin/switchyard.js and bin/build.js; plain JavaScript, so it
// runs before any TypeScript can load.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

/** The package root. */
export const root = fileURLToPath(new URL('..', import.meta.url));
/** Written last by a successful build: the time the build started, in ms since the epoch. */
export const stampFile = join(root, 'dist', '.build-stamp');
/** What the build reads besides src/: a change to any of them makes dist/ stale. */
const inputs = ['tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time under `dir`, in ms. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/**
 * True when dist/ was built, completely, from the sources as they are now: every source file
 * and build input is older than the moment the last build started. Anything else (no build, a
 * failed one, a file edited or checked out since) means the sources must run. Set
 * SWITCHYARD_FROM_SOURCE=1 to run the sources regardless (npm test does). `packageRoot` is for
 * tests: another folder laid out like the package.
 */
export function distIsFresh({ honourEnv = true, packageRoot = root } = {}) {
  if (honourEnv && process.env.SWITCHYARD_FROM_SOURCE === '1') return false;
  let builtAt;
  try {
    builtAt = Number(readFileSync(join(packageRoot, 'dist', '.build-stamp'), 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isFinite(builtAt)) return false;
  try {
    const newest = Math.max(
      newestMtime(join(packageRoot, 'src')),
      ...inputs.map((name) => statSync(join(packageRoot, name)).mtimeMs),
    );
    return newest < builtAt;
  } catch {
    return false;
  }
}
