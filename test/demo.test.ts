/**
 * `switchyard demo` as a user runs it, in a child process with stdout piped: the
 * self-contained failover demo end to end, and `--target` watching a gateway started here while
 * the test takes its primary down and back up in step with the transcript.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { demoPlan, FALLBACK_MODEL, PRIMARY_MODEL } from '../src/demo/demo-config.ts';
import { startGateway } from '../src/server/start-gateway.ts';
import { startMockUpstream } from '../src/testing/index.ts';
import { BIN, REPO_ROOT, useChildren } from './helpers/child-gateway.ts';

const children = useChildren();
/** Compiling the sources (tsx) plus a run of a few seconds. */
const DEMO_SUITE = { timeout: 60_000 };
/** Every ANSI escape sequence starts with ESC: none may reach a pipe. */
const ESC = '\u001b';

/** The index of the first line matching `pattern` at or after `from`; fails when there is none. */
function indexOf(lines: readonly string[], pattern: RegExp, from = 0): number {
  const index = lines.findIndex((line, at) => at >= from && pattern.test(line));
  assert.notEqual(
    index,
    -1,
    `no line matching ${pattern} after line ${from}:\n${lines.join('\n')}`,
  );
  return index;
}

void describe('switchyard demo', DEMO_SUITE, () => {
  void test('fails over to llama3, recovers to llama-fp8, and exits 0 with no failed request', async () => {
    const result = await children.runCli([
      'demo',
      '--interval',
      '100',
      '--outage',
      '1500',
      '--cooldown',
      '0.5',
    ]);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.equal(result.stderr, '');
    assert.ok(!result.stdout.includes(ESC), 'ANSI codes in plain output');

    const lines = result.stdout.split('\n');
    const firstPrimary = indexOf(
      lines,
      /^\[\d\d:\d\d:\d\d\] #1 +PRIMARY +llama-fp8 +"Hello from llama-fp8"/,
    );
    const failover = indexOf(lines, /FAILOVER DETECTED: llama-fp8 → llama3$/, firstPrimary);
    const fallback = indexOf(lines, /#\d+ +FALLBACK +llama3 +"Hello from llama3"/, failover);
    const recovery = indexOf(lines, /RECOVERY DETECTED: llama3 → llama-fp8$/, fallback);
    indexOf(lines, /#\d+ +PRIMARY +llama-fp8/, recovery);
    assert.equal(result.stdout.match(/DETECTED/g)?.length, 2, result.stdout);
    assert.doesNotMatch(result.stdout, /FAILED/);
    assert.match(result.stdout, /^ {2}Failed: +0$/m);
    assert.match(result.stdout, /^ {2}Failovers detected: +1$/m);
    assert.match(result.stdout, /PASS/);
  });

  void test('exits 2 naming the problem when --target comes without --model', async () => {
    const result = await children.runCli(['demo', '--target', 'http://127.0.0.1:9']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--target needs --model/);
  });
});

void describe('switchyard demo --target', DEMO_SUITE, () => {
  const spawned: ChildProcess[] = [];
  after(() => {
    for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
  });

  void test('watches a running gateway and reports the failover and recovery the operator causes', async (t) => {
    const primary = await startMockUpstream({ name: PRIMARY_MODEL });
    const fallback = await startMockUpstream({ name: FALLBACK_MODEL });
    const plan = demoPlan({
      primaryBase: primary.baseUrl,
      fallbackBase: fallback.baseUrl,
      cooldownSeconds: 0.3,
    });
    const gateway = await startGateway({ plan, port: 0, host: '127.0.0.1' });
    t.after(async () => {
      await gateway.drain();
      await primary.close();
      await fallback.close();
    });

    const env = { ...process.env };
    for (const name of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'LITELLM_MASTER_KEY'])
      delete env[name];
    const args = ['demo', '--target', gateway.url, '--model', PRIMARY_MODEL, '--interval', '100'];
    const child = spawn(process.execPath, [BIN, ...args, '--duration', '2.5'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    spawned.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));

    // The operator's part, in step with what the watcher prints: down after three primary
    // answers, back up after three fallback answers.
    const lines: string[] = [];
    let primaryAnswers = 0;
    let fallbackAnswers = 0;
    const actions: Promise<void>[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (/ PRIMARY /.test(line) && ++primaryAnswers === 3) actions.push(primary.stop());
      if (/ FALLBACK /.test(line) && ++fallbackAnswers === 3) actions.push(primary.start());
    }
    await Promise.all(actions);

    const text = lines.join('\n');
    assert.equal(await exited, 0, `${text}\n${stderr}`);
    assert.ok(!text.includes(ESC), 'ANSI codes in plain output');
    const failover = indexOf(lines, /FAILOVER DETECTED: llama-fp8 → llama3$/);
    const recovery = indexOf(lines, /RECOVERY DETECTED: llama3 → llama-fp8$/, failover);
    indexOf(lines, /#\d+ +PRIMARY +llama-fp8/, recovery);
    assert.match(text, /^ {2}Failed: +0$/m);
    assert.match(text, /^ {2}Failovers detected: +1$/m);
  });
});
