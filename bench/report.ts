/** The results as a terminal table, and as `bench/results/<date>.json`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './run-bench.ts';
import { MB, type Check, type TargetSummary } from './summary.ts';

const fixed = (digits: number) => (value: number | undefined) =>
  value === undefined ? '-' : value.toFixed(digits);
const rps = fixed(0);
const ms = fixed(3);
const times = (value: number | undefined): string =>
  value === undefined ? '-' : `${value.toFixed(2)}x`;
const mb = (bytes: number | undefined): string =>
  bytes === undefined ? '-' : (bytes / MB).toFixed(1);

function table(rows: readonly (readonly string[])[]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row, index) => {
      const line = row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  ');
      return index === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
    })
    .join('\n');
}

function summaryRows(results: BenchResults): string[][] {
  const c = results.options.connections;
  const header = [
    'target',
    `json req/s x${c}`,
    'x1',
    'cpu us/req',
    'p50 ms',
    'added',
    `stream req/s x${c}`,
    'x1',
    'cpu us/req',
    'ttft p50',
    'p99',
    'added',
    'RSS MB',
    'by round',
    'failed',
  ];
  const row = (s: TargetSummary): string[] => [
    s.target,
    rps(s.json.rps),
    rps(s.json.rps1),
    rps(s.json.cpuUs),
    ms(s.json.p50Ms),
    ms(s.json.addedP50Ms),
    rps(s.stream.rps),
    rps(s.stream.rps1),
    rps(s.stream.cpuUs),
    ms(s.stream.ttftP50Ms),
    ms(s.stream.ttftP99Ms),
    ms(s.stream.addedTtftP50Ms),
    mb(s.rssPeakBytes),
    s.rssPeakByRound.map(mb).join('/'),
    String(s.json.failures + s.stream.failures),
  ];
  return [header, ...results.summary.map(row)];
}

function checkLine(check: Check): string {
  const verdict = check.pass === undefined ? 'n/a ' : check.pass ? 'PASS' : 'FAIL';
  const value =
    check.value === undefined
      ? 'not measured'
      : check.name.startsWith('RSS')
        ? `${mb(check.value)} MB`
        : times(check.value);
  return `  ${verdict}  ${check.name.padEnd(34)} ${value.padStart(10)}   (goal ${check.goal})`;
}

/** The human-readable report. */
export function formatReport(results: BenchResults): string {
  const m = results.machine;
  const lines = [
    `Switchyard benchmark, ${results.startedAt} (${results.elapsedS.toFixed(0)} s)`,
    `machine: ${m.cpus} x ${m.cpuModel}, ${mb(m.totalMemoryBytes)} MB, node ${m.node}, ${m.platform}, ulimit -n ${m.fdLimit ?? '?'}`,
    `load: autocannon, ${results.options.amount === undefined ? `${results.options.durationS} s` : `${results.options.amount} requests`} per run, ` +
      `${results.options.rounds} round(s); latency and TTFT: ${results.options.probeSamples} sequential requests per target in ${results.options.probeBlocks} interleaved blocks (p50; added = minus direct)`,
    '',
    table(summaryRows(results)),
    '',
  ];
  for (const comparison of results.comparisons) {
    lines.push(
      `switchyard / ${comparison.against}: throughput json ${times(comparison.jsonThroughput)}, ` +
        `streams ${times(comparison.streamThroughput)}; cpu per request json ${times(comparison.jsonCpu)}, ` +
        `streams ${times(comparison.streamCpu)}; added latency json ${times(comparison.jsonAddedLatency)}, ` +
        `streams ${times(comparison.streamAddedLatency)}, ttft ${times(comparison.ttftAddedLatency)}`,
    );
  }
  const scale = results.scale;
  if (scale) {
    lines.push(
      `scale: ${scale.attempted} concurrent streams through ${scale.target} (asked ${scale.requested}): ` +
        `${scale.opened} open at once in ${scale.openMs} ms, ${scale.completed} completed, ${scale.failed} failed; ` +
        `RSS ${mb(scale.rssBeforeBytes)} -> ${mb(scale.rssPeakBytes)} MB` +
        (scale.limitedBy ? ` (LIMITED: ${scale.limitedBy})` : ''),
    );
  }
  lines.push('', 'targets (switchyard vs floor):', ...results.checks.map(checkLine));
  return lines.join('\n');
}

/** Writes `<dir>/<timestamp>.json`; returns its path. */
export function writeResults(results: BenchResults, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
