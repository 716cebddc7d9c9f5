/**
 * `npm run bench:instructions` must not rot: its reading of callgrind's report, and one tiny
 * count of Switchyard under valgrind (no number is asserted beyond "something was counted").
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nameJitFrames, readSymbolMap } from '../bench/callgrind-names.ts';
import {
  countInstructions,
  formatInstructions,
  readCallgrindTotals,
  type InstructionCount,
} from '../bench/instructions.ts';
import { REPO_ROOT } from '../bench/start-targets.ts';

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

void test("JIT addresses in a callgrind report are named from V8's code map", () => {
  const symbols = readSymbolMap(
    ['1000 40 JS:*route dist/router/router.js:10:3', '2000 10 RegExp:^a+$', 'not a map line'].join(
      '\n',
    ),
  );
  assert.equal(symbols.nameAt(0x1000), 'JS:*route dist/router/router.js:10:3');
  assert.equal(symbols.nameAt(0x103f), 'JS:*route dist/router/router.js:10:3');
  assert.equal(symbols.nameAt(0x1040), undefined, 'past the end of the code');
  assert.equal(symbols.nameAt(0x0fff), undefined);
  const report = [
    '  5,000 ( 1.00%)  ???:0x0000000000001010 [???]',
    '  4,000 ( 0.80%)  ???:0x0000000000002004 [???]',
    '  3,000 ( 0.60%)  ???:0x0000000000003000 [???]',
    '  2,000 ( 0.40%)  ???:Builtins_LoadIC [/usr/bin/node]',
  ].join('\n');
  assert.equal(
    nameJitFrames(report, symbols),
    [
      '  5,000 ( 1.00%)  JS:*route dist/router/router.js:10:3',
      '  4,000 ( 0.80%)  RegExp:^a+$',
      '  3,000 ( 0.60%)  ???:0x0000000000003000 [???]',
      '  2,000 ( 0.40%)  ???:Builtins_LoadIC [/usr/bin/node]',
    ].join('\n'),
  );
});

void test(
  'a tiny count of Switchyard under valgrind, its profile kept',
  { timeout: 300_000 },
  async (t) => {
    const keepDir = mkdtempSync(join(tmpdir(), 'switchyard-kept-'));
    t.after(() => rmSync(keepDir, { recursive: true, force: true }));
    // --perf-basic-prof opens V8's log too; it must not land in the checkout.
    const v8Logs = () => readdirSync(REPO_ROOT).filter((name) => /^isolate-.*\.log$/.test(name));
    const logsBefore = v8Logs().length;
    const lines: string[] = [];
    const counts = await countInstructions(
      { targets: new Set(['switchyard']), streams: [false], requests: 20, warmup: 20, keepDir },
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
    // The kept profile names JavaScript functions once read with the kept map.
    const profile = join(keepDir, 'switchyard-json.out');
    assert.ok(existsSync(profile));
    const report = execFileSync('callgrind_annotate', ['--inclusive=no', profile], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const symbols = readSymbolMap(readFileSync(join(keepDir, 'switchyard-json.map'), 'utf8'));
    assert.match(nameJitFrames(report, symbols), /JS:[*^~]?\S/);
    assert.equal(v8Logs().length, logsBefore, 'no isolate-*.log left in the checkout');
  },
);
