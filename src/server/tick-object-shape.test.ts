import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { keepTickObjectShape, keptTickObject } from './tick-object-shape.ts';

/**
 * Runs a child Node that queues ticks, lets them all finish, runs a full GC, queues more, and
 * prints the state V8 recorded for nextTick's computed-key sites (`%DebugPrint` of its feedback:
 * one line per site). `keep` calls keepTickObjectShape() first.
 */
async function tickSitesAfterFullGc(keep: boolean): Promise<string[]> {
  const script = `
    import { keepTickObjectShape } from './src/server/tick-object-shape.ts';
    if (${keep}) keepTickObjectShape();
    const ticks = async (n) => { for (let i = 0; i < n; i++) await new Promise((r) => process.nextTick(r)); };
    await ticks(1000);
    await new Promise((r) => setTimeout(r, 0));
    gc();
    await ticks(1000);
    %DebugPrint(process.nextTick);
  `;
  // V8 prints straight to fd 1; into a pipe a large print can be cut short, into a file it cannot.
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-tick-'));
  const outPath = join(dir, 'stdout.txt');
  const out = openSync(outPath, 'w');
  try {
    const child = spawn(
      process.execPath,
      [
        '--allow-natives-syntax',
        '--expose-gc',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
      ],
      {
        cwd: new URL('../../', import.meta.url),
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', out, 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0, stderr);
    return readFileSync(outPath, 'utf8')
      .split('\n')
      .filter((line) => line.includes('DefineKeyedOwnPropertyInLiteral'))
      .map((line) => line.trim());
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('without a kept tick object, a full GC leaves nextTick on the slow path (the V8 behaviour)', async () => {
  const sites = await tickSitesAfterFullGc(false);
  // Four sites: the two symbol keys, then callback and args. If a Node upgrade stops losing the
  // shape, this fails, and keepTickObjectShape() can go.
  assert.equal(sites.length, 4, sites.join('\n'));
  assert.ok(
    sites.some((site) => site.includes('MEGAMORPHIC')),
    `expected a megamorphic site:\n${sites.join('\n')}`,
  );
});

void test('with keepTickObjectShape(), every nextTick site stays monomorphic across a full GC', async () => {
  const sites = await tickSitesAfterFullGc(true);
  assert.equal(sites.length, 4, sites.join('\n'));
  for (const site of sites) assert.match(site, /MONOMORPHIC/);
});

void test('keepTickObjectShape() keeps a tick object, once, and returns at once', async () => {
  keepTickObjectShape();
  keepTickObjectShape();
  await new Promise<void>((resolve) => process.nextTick(resolve));
  const kept = keptTickObject();
  assert.ok(kept !== undefined);
  assert.deepEqual(
    Object.getOwnPropertySymbols(kept).map((symbol) => symbol.description),
    ['async_id_symbol', 'trigger_async_id_symbol'],
  );
  keepTickObjectShape();
  await new Promise<void>((resolve) => process.nextTick(resolve));
  assert.equal(keptTickObject(), kept);
});
