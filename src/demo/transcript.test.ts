import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createStyle } from './style.ts';
import { createTerminal } from './terminal.ts';
import { createTranscript } from './transcript.ts';
import type { RequestOutcome } from './watcher.ts';

const answer = (answeredBy: string): RequestOutcome => ({
  ok: true,
  at: 0,
  answeredBy,
  reply: 'hi',
  latencyMs: 1,
});

function run(outcomes: readonly RequestOutcome[]): { text: string; code: number } {
  let text = '';
  const terminal = createTerminal({ write: (chunk) => (text += chunk), tty: false });
  const transcript = createTranscript({
    terminal,
    style: createStyle(false),
    primary: 'llama-fp8',
  });
  for (const outcome of outcomes) transcript.record(outcome);
  const code = transcript.finish({ interrupted: false });
  return { text, code };
}

void describe('transcript', () => {
  void test('prints one banner per move, right before the request that showed it', () => {
    const { text } = run(['llama-fp8', 'llama3', 'llama3', 'llama-fp8'].map(answer));
    const lines = text.split('\n');
    const failover = lines.findIndex((line) =>
      line.includes('FAILOVER DETECTED: llama-fp8 → llama3'),
    );
    const recovery = lines.findIndex((line) =>
      line.includes('RECOVERY DETECTED: llama3 → llama-fp8'),
    );
    assert.match(lines[failover + 2] ?? '', /#2 +FALLBACK/);
    assert.match(lines[recovery + 2] ?? '', /#4 +PRIMARY/);
    assert.equal(text.match(/DETECTED/g)?.length, 2);
  });

  void test('ends with the summary and returns its exit code', () => {
    const failed: RequestOutcome = { ok: false, at: 0, message: 'refused', latencyMs: 1 };
    assert.equal(run([answer('llama-fp8')]).code, 0);
    const withFailure = run([answer('llama-fp8'), failed]);
    assert.equal(withFailure.code, 1);
    assert.match(withFailure.text, /Failed: +1\n/);
  });
});
