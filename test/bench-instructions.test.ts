/**
 * `npm run bench:instructions` must not rot: its reading of callgrind's report, and one tiny
 * count of Switchyard under valgrind (no number is asserted beyond "something was counted").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  countInstructions,
  formatInstructions,
  readCallgrindTotals,
  type InstructionCount,
} from '../bench/instructions.ts';

/** The lines of `callgrind_annotate --inclusive=yes` that matter, as valgrind 3.19 prints them. */
const ANNOTATED = `--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
1,126,428,582 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir                   file:function
--------------------------------------------------------------------------------
452,099,418 (40.13%)  ???:Builtins_PromiseFulfillReactionJob [/usr/bin/node]
351,011,865 (31.16%)  ???:node::(anonymous namespace)::PlatformWorkerThread(void*) [/usr/bin/node]
350,712,500 (31.13%)  ???:v8::internal::OptimizingCompileDispatcher::CompileTask::RunInternal() [/usr/bin/node]
`;

void test("callgrind's report gives the whole count and the background threads' share", () => {
  assert.deepEqual(readCallgrindTotals(ANNOTATED), {
    total: 1_126_428_582,
    background: 351_011_865,
  });
  // A process that never started a worker thread has no such line: nothing to subtract.
  const mainOnly = ANNOTATED.split('\n')
    .filter((line) => !line.includes('PlatformWorkerThread'))
    .join('\n');
  assert.deepEqual(readCallgrindTotals(mainOnly), { total: 1_126_428_582, background: 0 });
  assert.throws(() => readCallgrindTotals('no totals here'), /no PROGRAM TOTALS/);
});

void test('the table gives the ratio to the floor for a scenario where both were counted', () => {
  const count = (target: 'floor' | 'switchyard', stream: boolean, perRequest: number) =>
    ({ target, stream, requests: 2000, perRequest, backgroundPerRequest: 0 }) as InstructionCount;
  const table = formatInstructions([
    count('floor', false, 280_000),
    count('switchyard', false, 350_000),
    count('switchyard', true, 400_000),
  ]);
  assert.match(table, /JSON {3}switchyard \/ floor 1\.25x/);
  assert.match(table, /stream switchyard +400k instructions per request/);
  assert.doesNotMatch(table, /stream switchyard \/ floor/);
});

void test('a tiny count of Switchyard under valgrind', { timeout: 300_000 }, async () => {
  const lines: string[] = [];
  const counts = await countInstructions(
    { targets: new Set(['switchyard']), streams: [false], requests: 20, warmup: 20 },
    (line) => lines.push(line),
  );
  assert.equal(counts.length, 1);
  const [count] = counts;
  assert.equal(count?.target, 'switchyard');
  assert.equal(count?.requests, 20);
  // Serving a request through Node's HTTP stack takes far more than 10k instructions.
  assert.ok((count?.perRequest ?? 0) > 10_000, `counted ${count?.perRequest}`);
  assert.ok((count?.backgroundPerRequest ?? -1) >= 0);
  assert.match(lines[0] ?? '', /^switchyard json: \d+k instructions per request/);
});
