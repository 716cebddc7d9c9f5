import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createBatchedDestination, MAX_QUEUED_BYTES } from './batched-stdout.ts';

/** A stream whose reader is `behind` bytes behind. */
function collector(): {
  writes: string[];
  behind: number;
  write(text: string): boolean;
  readonly writableLength: number;
} {
  const writes: string[] = [];
  return {
    writes,
    behind: 0,
    write(text: string) {
      writes.push(text);
      return true;
    },
    get writableLength() {
      return this.behind;
    },
  };
}

void test('lines written together leave in one write, at most 10 ms later', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const out = collector();
  const destination = createBatchedDestination(out);
  destination.write('{"a":1}\n');
  destination.write('{"b":2}\n');
  t.mock.timers.tick(9);
  assert.deepEqual(out.writes, []);
  t.mock.timers.tick(1);
  assert.deepEqual(out.writes, ['{"a":1}\n{"b":2}\n']);
  destination.write('{"c":3}\n');
  t.mock.timers.tick(10);
  assert.deepEqual(out.writes, ['{"a":1}\n{"b":2}\n', '{"c":3}\n']);
});

void test('64 KB waiting leave at once; flush() writes what waits', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const out = collector();
  const destination = createBatchedDestination(out);
  const line = `${'x'.repeat(1023)}\n`;
  for (let i = 0; i < 63; i += 1) destination.write(line);
  assert.equal(out.writes.length, 0);
  destination.write(line);
  assert.equal(out.writes.length, 1);
  assert.equal(out.writes[0]?.length, 64 * 1024);
  destination.write('{"last":true}\n');
  let flushed = false;
  destination.flush(() => (flushed = true));
  assert.equal(flushed, true);
  assert.deepEqual(out.writes.slice(1), ['{"last":true}\n']);
});

void test('while the reader is too far behind, lines are dropped and counted, then reported', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const out = collector();
  const destination = createBatchedDestination(out);
  out.behind = MAX_QUEUED_BYTES + 1;
  destination.write('{"n":1}\n');
  destination.write('{"n":2}\n');
  t.mock.timers.tick(10);
  assert.equal(out.writes.length, 0);
  out.behind = 0;
  destination.write('{"n":3}\n');
  t.mock.timers.tick(10);
  assert.equal(out.writes.length, 1);
  const [notice, line] = out.writes[0]!.trimEnd().split('\n');
  assert.equal((JSON.parse(notice!) as { dropped_lines: number }).dropped_lines, 2);
  assert.equal(line, '{"n":3}');
});

void test('lines still waiting when the process exits are written', () => {
  // A real process: the lines are logged, then process.exit() comes before the timer.
  const script = [
    "import { createLogger } from './src/observability/logger.ts';",
    'const logger = createLogger();',
    "logger.info('first');",
    "logger.info({ n: 2 }, 'second');",
    'process.exit(0);',
  ].join('\n');
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: new URL('../../', import.meta.url),
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  assert.equal(child.status, 0, child.stderr);
  const lines = child.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string });
  assert.deepEqual(
    lines.map((line) => line.msg),
    ['first', 'second'],
  );
});
