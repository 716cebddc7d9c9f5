/**
 * The latency probe (bench/probe.ts) against two real loopback servers: every target gets its
 * requests in sequence, the targets take turns block by block, and each result covers all of
 * its measured requests. No timing is asserted.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { BenchTarget } from '../bench/bench-target.ts';
import { runProbes } from '../bench/probe.ts';

/** A server that answers every POST as a one-event stream and records who was asked. */
async function startRecordingServer(name: string, arrivals: string[]): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrivals.push(name);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('data: {"ok":true}\n\ndata: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function targetOf(name: string, server: Server): BenchTarget {
  const { port } = server.address() as AddressInfo;
  return {
    name,
    kind: 'floor',
    url: `http://127.0.0.1:${port}`,
    path: '/v1/chat/completions',
    headers: {},
    model: 'm',
    pid: process.pid,
  };
}

/** Two recording servers, closed after the test, as targets `a` and `b`. */
async function startTwoTargets(
  t: TestContext,
): Promise<{ arrivals: string[]; targets: BenchTarget[] }> {
  const arrivals: string[] = [];
  const servers = [
    await startRecordingServer('a', arrivals),
    await startRecordingServer('b', arrivals),
  ];
  t.after(() => Promise.all(servers.map((server) => new Promise((done) => server.close(done)))));
  return { arrivals, targets: [targetOf('a', servers[0]!), targetOf('b', servers[1]!)] };
}

/** The arrivals as runs of one name: ['a', 'a', 'b'] is [['a', 2], ['b', 1]]. */
function runsOf(arrivals: readonly string[]): [string, number][] {
  const runs: [string, number][] = [];
  for (const name of arrivals) {
    const last = runs.at(-1);
    if (last?.[0] === name) last[1] += 1;
    else runs.push([name, 1]);
  }
  return runs;
}

void test('probes take turns block by block and measure every request', async (t) => {
  const { arrivals, targets } = await startTwoTargets(t);

  const results = await runProbes(targets, { stream: true, samples: 10, warmup: 2, blocks: 4 });

  // Warm-up per target, then blocks of 3, 3, 2 and 2 (the remainder goes first), in turn.
  assert.deepEqual(runsOf(arrivals), [
    ['a', 2],
    ['b', 2],
    ['a', 3],
    ['b', 3],
    ['a', 3],
    ['b', 3],
    ['a', 2],
    ['b', 2],
    ['a', 2],
    ['b', 2],
  ]);
  for (const result of results) {
    assert.equal(result.failures, 0);
    assert.equal(result.totalMs.samples, 10);
    assert.equal(result.ttftMs?.samples, 10);
    assert.ok(result.ttftMs.p50 > 0 && result.ttftMs.p50 <= result.totalMs.p99);
  }
});

void test('without blocks, one target is probed after the other', async (t) => {
  const { arrivals, targets } = await startTwoTargets(t);

  const results = await runProbes(targets, { stream: false, samples: 5, warmup: 1 });

  assert.deepEqual(runsOf(arrivals), [
    ['a', 1],
    ['b', 1],
    ['a', 5],
    ['b', 5],
  ]);
  assert.deepEqual(
    results.map((result) => [result.totalMs.samples, result.ttftMs]),
    [
      [5, undefined],
      [5, undefined],
    ],
  );
});
