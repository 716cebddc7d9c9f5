import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { PRETENURING_OFF_FLAG } from './no-pretenuring.ts';

/**
 * Runs a plain child Node that makes 600,000 objects at one literal and keeps them all (a site
 * whose objects always survive, which V8 pretenures), then reports whether one more object from
 * that site is still made in the young generation. With `flag`, the child first sets it at run
 * time through v8.setFlagsFromString, as disablePretenuring() does. Plain Node, not tsx: with
 * tsx's loader in the process V8 did not pretenure the site even without the flag, which would
 * leave the control below proving nothing.
 */
async function freshObjectIsYoung(flag: string | undefined): Promise<boolean> {
  const script = `
    const flag = ${JSON.stringify(flag ?? null)};
    if (flag !== null) require('node:v8').setFlagsFromString(flag);
    const keep = [];
    function make(i) { return { a: i, b: [i], c: 'x' }; }
    for (let round = 0; round < 30; round++) for (let i = 0; i < 20000; i++) keep.push(make(i));
    console.log(JSON.stringify({ young: %InYoungGeneration(make(0)), kept: keep.length }));
  `;
  const child = spawn(process.execPath, ['--allow-natives-syntax', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout.trim()) as { young: boolean; kept: number };
  assert.equal(report.kept, 600_000);
  return report.young;
}

void test('V8 pretenures a literal whose objects all survive (the behaviour turned off)', async () => {
  // If a Node upgrade stops doing this, this fails, and disablePretenuring() can be reconsidered.
  assert.equal(await freshObjectIsYoung(undefined), false);
});

void test('the flag disablePretenuring() sets works at run time: the site stays young', async () => {
  assert.equal(await freshObjectIsYoung(PRETENURING_OFF_FLAG), true);
});
