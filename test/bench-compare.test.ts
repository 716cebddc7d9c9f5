/**
 * `npm run bench:compare` must not rot: a tiny comparison of this checkout against HEAD (a
 * worktree build and both gateways loaded at once). No timing is asserted, only that both
 * builds were measured in every round and that the worktree and children are gone afterwards.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { compareBuilds, formatComparison } from '../bench/compare.ts';
import { REPO_ROOT } from '../bench/start-targets.ts';

function worktrees(): string {
  return execFileSync('git', ['worktree', 'list'], { cwd: REPO_ROOT, encoding: 'utf8' });
}

void test('a comparison builds the base, measures both builds each round, and cleans up', async () => {
  const before = worktrees();
  const logged: string[] = [];
  const results = await compareBuilds(
    { base: 'HEAD', rounds: 1, durationS: 1, connections: 2, streams: [false, true] },
    (line) => logged.push(line),
  );
  assert.deepEqual(
    results.rounds.map((round) => round.stream),
    [false, true],
  );
  for (const round of results.rounds) {
    for (const measured of [round.base, round.current]) {
      assert.ok(measured.total > 0, 'requests were served');
      assert.equal(measured.errors, 0);
      assert.equal(measured.non2xx, 0);
      assert.ok((measured.cpuUsPerRequest ?? 0) > 0, 'CPU per request was read');
    }
  }
  const report = formatComparison(results);
  assert.match(report, /^JSON: CPU per request [+-]\d/m);
  assert.match(report, /^streams: CPU per request [+-]\d/m);
  assert.ok(logged.some((line) => line.startsWith('built HEAD')));
  assert.equal(worktrees(), before, 'the temporary worktree is removed');
});

void test('a ref that names no commit is refused before anything starts', async () => {
  await assert.rejects(
    compareBuilds({
      base: 'no-such-ref-anywhere',
      rounds: 1,
      durationS: 1,
      connections: 1,
      streams: [false],
    }),
    /"no-such-ref-anywhere" names no commit/,
  );
});
