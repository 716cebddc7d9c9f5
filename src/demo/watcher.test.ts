import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classify,
  createWatcherState,
  exitCodeFor,
  observe,
  type Observation,
  type RequestOutcome,
  type WatcherState,
} from './watcher.ts';

const ok = (answeredBy: string): RequestOutcome => ({
  ok: true,
  at: 0,
  answeredBy,
  reply: `Hello from ${answeredBy}`,
  latencyMs: 5,
});
const failed: RequestOutcome = { ok: false, at: 0, status: 503, message: 'down', latencyMs: 5 };

/** Feeds `outcomes` in order; returns every observation. */
function feed(outcomes: readonly RequestOutcome[], primary = 'llama-fp8'): Observation[] {
  let state: WatcherState = createWatcherState(primary);
  return outcomes.map((outcome) => {
    const observation = observe(state, outcome);
    state = observation.state;
    return observation;
  });
}

function last(observations: Observation[]): WatcherState {
  const final = observations.at(-1);
  assert.ok(final);
  return final.state;
}

void describe('watcher', () => {
  void test('classifies the requested group as primary and any other as fallback', () => {
    assert.equal(classify('llama-fp8', 'llama-fp8'), 'primary');
    assert.equal(classify('llama-fp8', 'llama3'), 'fallback');
  });

  void test('numbers requests from 1, failed ones included', () => {
    const requests = feed([ok('llama-fp8'), failed, ok('llama-fp8')]).map((o) => o.request);
    assert.deepEqual(requests, [1, 2, 3]);
  });

  void test('announces a failover once, on the first answer from the fallback', () => {
    const observations = feed([ok('llama-fp8'), ok('llama-fp8'), ok('llama3'), ok('llama3')]);
    assert.deepEqual(
      observations.map((o) => o.transition),
      [undefined, undefined, { kind: 'failover', from: 'llama-fp8', to: 'llama3' }, undefined],
    );
  });

  void test('announces the recovery when the primary answers again', () => {
    const observations = feed([ok('llama-fp8'), ok('llama3'), ok('llama-fp8'), ok('llama-fp8')]);
    assert.deepEqual(observations[2]?.transition, {
      kind: 'recovery',
      from: 'llama3',
      to: 'llama-fp8',
    });
    assert.equal(observations[3]?.transition, undefined);
    assert.equal(last(observations).failovers, 1);
    assert.equal(last(observations).recoveries, 1);
  });

  void test('sets the baseline silently, even when the first answer comes from a fallback', () => {
    const observations = feed([ok('llama3'), ok('llama3')]);
    assert.deepEqual(
      observations.map((o) => [o.role, o.transition]),
      [
        ['fallback', undefined],
        ['fallback', undefined],
      ],
    );
  });

  void test('a move from one fallback group to another is a failover', () => {
    const observations = feed([ok('llama-fp8'), ok('llama3'), ok('mistral')]);
    assert.deepEqual(observations[2]?.transition, {
      kind: 'failover',
      from: 'llama3',
      to: 'mistral',
    });
    assert.equal(last(observations).failovers, 2);
  });

  void test('a failed request neither moves traffic nor hides the next move', () => {
    const observations = feed([ok('llama-fp8'), failed, ok('llama-fp8'), failed, ok('llama3')]);
    assert.deepEqual(
      observations.map((o) => o.transition?.kind),
      [undefined, undefined, undefined, undefined, 'failover'],
    );
    assert.equal(observations[1]?.role, undefined);
  });

  void test('counts totals, successes by role and failures', () => {
    const state = last(
      feed([ok('llama-fp8'), ok('llama3'), failed, ok('llama3'), ok('llama-fp8')]),
    );
    assert.deepEqual(
      {
        total: state.total,
        succeeded: state.succeeded,
        failed: state.failed,
        servedByPrimary: state.servedByPrimary,
        servedByFallback: state.servedByFallback,
        current: state.current,
      },
      {
        total: 5,
        succeeded: 4,
        failed: 1,
        servedByPrimary: 2,
        servedByFallback: 2,
        current: 'llama-fp8',
      },
    );
  });

  void test('exits 0 when requests were sent and none failed', () => {
    assert.equal(exitCodeFor(last(feed([ok('llama-fp8'), ok('llama3')]))), 0);
  });

  void test('exits 1 when any request failed', () => {
    assert.equal(exitCodeFor(last(feed([ok('llama-fp8'), failed, ok('llama3')]))), 1);
  });

  void test('exits 1 when no request was sent', () => {
    assert.equal(exitCodeFor(createWatcherState('llama-fp8')), 1);
  });
});
