/**
 * From raw runs to what a reader wants: per target, the median throughput of the rounds, the
 * one-connection latency and what the proxy added to it, time to first token, peak memory;
 * then Switchyard's ratios against the floor (and peers), and the targets checked.
 */
import type { TargetKind } from './bench-target.ts';
import type { LoadResult } from './load.ts';
import type { ProbeResult } from './probe.ts';

/** JSON requests or SSE streams. */
export type Mode = 'json' | 'stream';

export interface LoadRun {
  readonly target: string;
  readonly mode: Mode;
  readonly connections: number;
  /** 1-based; one-connection runs happen in round 1 only. */
  readonly round: number;
  readonly result: LoadResult;
}

export interface ProbeRun {
  readonly target: string;
  readonly mode: Mode;
  readonly result: ProbeResult;
}

/** One mode of one target. Latencies in ms; undefined when not measured. */
export interface ModeSummary {
  /** Median over rounds of requests/s at the loaded connection count. */
  readonly rps: number | undefined;
  /** Requests/s at one connection. */
  readonly rps1: number | undefined;
  /**
   * Median over rounds of the target's CPU time per request under load, in µs. For direct, the
   * mock's own cost. Robust to a busy machine, which skews requests/s far more.
   */
  readonly cpuUs: number | undefined;
  /** Whole-answer latency at one connection (probe). */
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  /** p50 through this target minus p50 direct to the mock: what the proxy adds. */
  readonly addedP50Ms: number | undefined;
  /** Streams: time to first data chunk at one connection. */
  readonly ttftP50Ms: number | undefined;
  readonly ttftP99Ms: number | undefined;
  readonly addedTtftP50Ms: number | undefined;
  /** Requests that failed (connection errors, non-2xx, probe failures). */
  readonly failures: number;
}

export interface TargetSummary {
  readonly target: string;
  readonly kind: TargetKind;
  readonly json: ModeSummary;
  readonly stream: ModeSummary;
  /** Highest RSS seen during any load, bytes. */
  readonly rssPeakBytes: number | undefined;
  /** Highest RSS per round of loaded runs, bytes: flat means no growth. */
  readonly rssPeakByRound: readonly (number | undefined)[];
}

/** Switchyard against one other target: ratios, higher throughput and lower latency better. */
export interface Comparison {
  readonly against: string;
  readonly jsonThroughput: number | undefined;
  readonly streamThroughput: number | undefined;
  /** CPU per request, Switchyard over the other (lower is better). */
  readonly jsonCpu: number | undefined;
  readonly streamCpu: number | undefined;
  readonly jsonAddedLatency: number | undefined;
  readonly streamAddedLatency: number | undefined;
  readonly ttftAddedLatency: number | undefined;
}

/** One of the targets. `pass` is undefined when it could not be measured. */
export interface Check {
  readonly name: string;
  readonly goal: string;
  readonly value: number | undefined;
  readonly pass: boolean | undefined;
}

export const MB = 1024 * 1024;
/** RSS under load must stay below this. */
const RSS_LIMIT_BYTES = 150 * MB;
/** Growth between the first and last round tolerated as noise (GC timing), bytes. */
const RSS_GROWTH_TOLERANCE_BYTES = 8 * MB;

/** The median of `values`; undefined when there are none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

function minus(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b <= 0 ? undefined : a / b;
}

function modeSummary(
  target: string,
  mode: Mode,
  loads: readonly LoadRun[],
  probes: readonly ProbeRun[],
  direct: ProbeResult | undefined,
): ModeSummary {
  const mine = loads.filter((run) => run.target === target && run.mode === mode);
  const loadedRuns = mine.filter((run) => run.connections > 1);
  const loaded = loadedRuns.map((run) => run.result.requestsPerSec);
  const cpu = loadedRuns
    .map((run) => run.result.cpuUsPerRequest)
    .filter((value): value is number => value !== undefined);
  const single = mine
    .filter((run) => run.connections === 1)
    .map((run) => run.result.requestsPerSec);
  const probe = probes.find((run) => run.target === target && run.mode === mode)?.result;
  const failures =
    mine.reduce((sum, run) => sum + run.result.errors + run.result.non2xx, 0) +
    (probe?.failures ?? 0);
  return {
    rps: median(loaded),
    rps1: median(single),
    cpuUs: median(cpu),
    p50Ms: probe?.totalMs.p50,
    p99Ms: probe?.totalMs.p99,
    addedP50Ms: minus(probe?.totalMs.p50, direct?.totalMs.p50),
    ttftP50Ms: probe?.ttftMs?.p50,
    ttftP99Ms: probe?.ttftMs?.p99,
    addedTtftP50Ms: minus(probe?.ttftMs?.p50, direct?.ttftMs?.p50),
    failures,
  };
}

/** Per-target summaries, in the order targets were given. */
export function summarize(
  targets: readonly { readonly name: string; readonly kind: TargetKind }[],
  loads: readonly LoadRun[],
  probes: readonly ProbeRun[],
): TargetSummary[] {
  const directProbe = (mode: Mode): ProbeResult | undefined =>
    probes.find((run) => run.target === 'direct' && run.mode === mode)?.result;
  const rounds = Math.max(0, ...loads.map((run) => run.round));
  return targets.map(({ name, kind }) => {
    const mine = loads.filter((run) => run.target === name);
    const byRound = Array.from({ length: rounds }, (_, index) =>
      maxOf(mine.filter((run) => run.round === index + 1).map((run) => run.result.rssPeakBytes)),
    );
    return {
      target: name,
      kind,
      json: modeSummary(name, 'json', loads, probes, directProbe('json')),
      stream: modeSummary(name, 'stream', loads, probes, directProbe('stream')),
      rssPeakBytes: maxOf(mine.map((run) => run.result.rssPeakBytes)),
      rssPeakByRound: byRound,
    };
  });
}

/** Switchyard against every other proxy (floor, peers). */
export function compare(summaries: readonly TargetSummary[]): Comparison[] {
  const ours = summaries.find((summary) => summary.kind === 'switchyard');
  if (!ours) return [];
  return summaries
    .filter((other) => other.kind === 'floor' || other.kind === 'peer')
    .map((other) => ({
      against: other.target,
      jsonThroughput: ratio(ours.json.rps, other.json.rps),
      streamThroughput: ratio(ours.stream.rps, other.stream.rps),
      jsonCpu: ratio(ours.json.cpuUs, other.json.cpuUs),
      streamCpu: ratio(ours.stream.cpuUs, other.stream.cpuUs),
      jsonAddedLatency: ratio(ours.json.addedP50Ms, other.json.addedP50Ms),
      streamAddedLatency: ratio(ours.stream.addedP50Ms, other.stream.addedP50Ms),
      ttftAddedLatency: ratio(ours.stream.addedTtftP50Ms, other.stream.addedTtftP50Ms),
    }));
}

function atLeast(name: string, goal: string, value: number | undefined, floor: number): Check {
  return { name, goal, value, pass: value === undefined ? undefined : value >= floor };
}

function atMost(name: string, goal: string, value: number | undefined, ceiling: number): Check {
  return { name, goal, value, pass: value === undefined ? undefined : value <= ceiling };
}

/** The targets, for Switchyard against the floor. */
export function checkTargets(
  summaries: readonly TargetSummary[],
  comparisons: readonly Comparison[],
): Check[] {
  const ours = summaries.find((summary) => summary.kind === 'switchyard');
  const floor = comparisons.find((comparison) => comparison.against === 'floor');
  const rounds = ours?.rssPeakByRound ?? [];
  const first = rounds[0];
  const last = rounds.length > 1 ? rounds[rounds.length - 1] : undefined;
  const growth = minus(last, first);
  return [
    atLeast('throughput, JSON', '>= 0.75 x floor', floor?.jsonThroughput, 0.75),
    atLeast('throughput, streams', '>= 0.75 x floor', floor?.streamThroughput, 0.75),
    atMost('added latency, JSON', '<= 1.5 x floor', floor?.jsonAddedLatency, 1.5),
    atMost('added latency, streams', '<= 1.5 x floor', floor?.streamAddedLatency, 1.5),
    atMost('RSS under load', '<= 150 MB', ours?.rssPeakBytes, RSS_LIMIT_BYTES),
    atMost('RSS growth, first to last round', '<= 8 MB', growth, RSS_GROWTH_TOLERANCE_BYTES),
  ];
}
