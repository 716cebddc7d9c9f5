import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { renderRequest, renderStatus, renderSummary, renderTransition } from './render.ts';
import { createStyle } from './style.ts';
import { createWatcherState, observe, type RequestOutcome, type WatcherState } from './watcher.ts';

const plain = createStyle(false);
const colour = createStyle(true);
/** 13:40:47 local time. */
const AT = new Date(2025, 0, 1, 13, 40, 47).getTime();
/** Every ANSI escape sequence starts with ESC. */
const ESC = '\u001b';

const answer = (answeredBy: string, reply = `Hello from ${answeredBy}`): RequestOutcome => ({
  ok: true,
  at: AT,
  answeredBy,
  reply,
  latencyMs: 12.4,
});

function stateAfter(outcomes: readonly RequestOutcome[]): WatcherState {
  return outcomes.reduce(
    (state, outcome) => observe(state, outcome).state,
    createWatcherState('p'),
  );
}

void describe('render', () => {
  void test('a request line shows time, number, role, group, reply and latency', () => {
    const observation = observe(createWatcherState('llama-fp8'), answer('llama-fp8'));
    assert.equal(
      renderRequest(observation, answer('llama-fp8'), plain),
      '[13:40:47] #1    PRIMARY   llama-fp8    "Hello from llama-fp8"  12 ms',
    );
  });

  void test('a fallback answer is labelled FALLBACK', () => {
    const observation = observe(createWatcherState('llama-fp8'), answer('llama3'));
    assert.match(renderRequest(observation, answer('llama3'), plain), / FALLBACK {2}llama3 /);
  });

  void test('a failed request shows FAILED with the status and message', () => {
    const outcome: RequestOutcome = {
      ok: false,
      at: AT,
      status: 429,
      message: '429 No deployments available',
      latencyMs: 3,
    };
    const observation = observe(createWatcherState('llama-fp8'), outcome);
    assert.match(renderRequest(observation, outcome, plain), /#1 {4}FAILED {4}429 429 No deploy/);
  });

  void test('a long or multi-line reply is shown on one line, cut with an ellipsis', () => {
    const observation = observe(createWatcherState('p'), answer('p'));
    const line = renderRequest(observation, answer('p', `line one\n${'x'.repeat(100)}`), plain);
    assert.match(line, /"line one x+…"/);
    assert.doesNotMatch(line, /\n/);
  });

  void test('banners name the move: FAILOVER DETECTED and RECOVERY DETECTED', () => {
    const failover = renderTransition({ kind: 'failover', from: 'llama-fp8', to: 'llama3' }, plain);
    const recovery = renderTransition({ kind: 'recovery', from: 'llama3', to: 'llama-fp8' }, plain);
    assert.equal(failover[1], '  FAILOVER DETECTED: llama-fp8 → llama3');
    assert.equal(recovery[1], '  RECOVERY DETECTED: llama3 → llama-fp8');
  });

  void test('the summary gives the counts and the verdict', () => {
    const state = stateAfter([answer('p'), answer('f'), answer('p')]);
    assert.deepEqual(renderSummary(state, plain, { interrupted: false }), [
      'Summary',
      '  Total requests:     3',
      '  Successful:         3 (primary 2, fallback 1)',
      '  Failed:             0',
      '  Failovers detected: 1',
      '  Recoveries:         1',
      '  Result:             PASS: every request got an answer',
    ]);
  });

  void test('the summary of a run with a failure says FAIL, and says when Ctrl-C stopped it', () => {
    const failed: RequestOutcome = { ok: false, at: AT, message: 'refused', latencyMs: 1 };
    const lines = renderSummary(stateAfter([answer('p'), failed]), plain, { interrupted: true });
    assert.equal(lines[0], 'Summary (stopped by Ctrl-C)');
    assert.equal(lines.at(-1), '  Result:             FAIL: some requests got no answer');
  });

  void test('the status line fits the terminal width', () => {
    const status = renderStatus(stateAfter([answer('p')]), 'primary up', 1234, {
      style: plain,
      columns: 30,
    });
    assert.equal(status.length, 29);
    assert.match(status, /^» primary up \| 1\.2 s/);
  });

  void test('the plain style writes no ANSI codes', () => {
    const state = stateAfter([answer('p'), answer('f')]);
    const observation = observe(createWatcherState('p'), answer('f'));
    const text = [
      renderRequest(observation, answer('f'), plain),
      ...renderTransition({ kind: 'failover', from: 'p', to: 'f' }, plain),
      ...renderSummary(state, plain, { interrupted: false }),
    ].join('\n');
    assert.ok(!text.includes(ESC), 'ANSI codes in plain output');
  });

  void test('the colour style adds colours and keeps the same text', () => {
    const observation = observe(createWatcherState('p'), answer('f'));
    const coloured = renderRequest(observation, answer('f'), colour);
    assert.ok(coloured.includes(ESC));
    assert.equal(
      stripVTControlCharacters(coloured),
      renderRequest(observation, answer('f'), plain),
    );
  });
});
