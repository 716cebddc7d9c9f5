/**
 * One benchmark run: start the mock and every target as child processes, warm them up, then
 * run the loads round by round with targets interleaved (floor, Switchyard, peers take turns
 * within each scenario, so a noisy neighbour on the machine hits them alike), probe latency at
 * one connection (interleaved too, block by block), hold many streams open, stop everything,
 * summarise.
 */
import { cpus, totalmem } from 'node:os';
import type { BenchOptions } from './bench-options.ts';
import type { BenchTarget, TargetKind } from './bench-target.ts';
import { runLoad, WARMUP_RUNS } from './load.ts';
import { runProbes } from './probe.ts';
import { fdLimit, runScale, type ScaleResult } from './scale.ts';
import { startTargets } from './start-targets.ts';
import {
  checkTargets,
  compare,
  summarize,
  type Check,
  type Comparison,
  type LoadRun,
  type Mode,
  type ProbeRun,
  type TargetSummary,
} from './summary.ts';

/**
 * The probes' requests come in this many blocks per target, the targets taking turns: a single
 * long probe per target let a noisy minute on the machine land on one of them (added latency
 * swung 1.17-2.40x between runs of one build, where interleaved blocks gave 1.23-1.33x).
 */
export const PROBE_BLOCKS = 10;

/** Bumped when the shape of the results JSON changes. */
export const RESULTS_VERSION = 1;

/** The machine a run happened on: numbers from different machines do not compare. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly fdLimit: number | undefined;
}

/** Everything a run produced; written as `bench/results/<date>.json`. */
export interface BenchResults {
  readonly version: typeof RESULTS_VERSION;
  readonly startedAt: string;
  readonly elapsedS: number;
  readonly machine: MachineInfo;
  readonly options: {
    readonly durationS: number;
    readonly amount: number | undefined;
    readonly connections: number;
    readonly rounds: number;
    readonly probeSamples: number;
    /** The probes' blocks per target, interleaved across targets (PROBE_BLOCKS). */
    readonly probeBlocks: number;
    readonly scaleStreams: number;
    readonly smoke: boolean;
  };
  readonly targets: readonly { readonly name: string; readonly kind: TargetKind }[];
  readonly loads: readonly LoadRun[];
  readonly probes: readonly ProbeRun[];
  readonly scale: ScaleResult | undefined;
  readonly summary: readonly TargetSummary[];
  readonly comparisons: readonly Comparison[];
  readonly checks: readonly Check[];
}

/** Progress lines for the person watching; the harness itself never prints. */
export type ProgressLog = (line: string) => void;

function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    totalMemoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    fdLimit: fdLimit(),
  };
}

/** Runs the whole benchmark; every child is stopped before it returns or throws. */
export async function runBench(
  options: BenchOptions,
  log: ProgressLog = () => undefined,
): Promise<BenchResults> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const wanted = options.targets;
  const running = await startTargets({
    direct: wanted.has('direct'),
    floor: wanted.has('floor'),
    switchyard: wanted.has('switchyard'),
    peers: wanted.has('peers'),
  });
  const { targets, mock } = running;
  log(
    `targets: ${targets.map((target) => `${target.name} (${target.url}, pid ${target.pid})`).join(', ')}`,
  );
  const loads: LoadRun[] = [];
  const probes: ProbeRun[] = [];
  let scale: ScaleResult | undefined;
  const modes: Mode[] = (['json', 'stream'] as const).filter((mode) => options.scenarios.has(mode));
  const spec = (mode: Mode, connections: number) => ({
    connections,
    durationS: options.durationS,
    amount: options.amount,
    stream: mode === 'stream',
  });

  try {
    if (options.warmupS > 0) {
      for (const target of targets) {
        for (const mode of modes) {
          for (let run = 0; run < WARMUP_RUNS; run++) {
            await runLoad(target, {
              ...spec(mode, options.connections),
              durationS: options.warmupS,
              amount: undefined,
            });
          }
        }
      }
      log('warmed up');
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const mode of modes) {
        for (const target of targets) {
          // The direct baseline needs no repeats: rounds exist to watch proxies' memory.
          if (round > 1 && target.kind === 'direct') continue;
          const result = await runLoad(target, spec(mode, options.connections));
          loads.push({
            target: target.name,
            mode,
            connections: options.connections,
            round,
            result,
          });
          log(
            `round ${round} ${mode} x${options.connections} ${target.name}: ${result.requestsPerSec.toFixed(0)} req/s`,
          );
        }
        if (round !== 1) continue;
        for (const target of targets) {
          const result = await runLoad(target, spec(mode, 1));
          loads.push({ target: target.name, mode, connections: 1, round, result });
          log(
            `round ${round} ${mode} x1 ${target.name}: ${result.requestsPerSec.toFixed(0)} req/s`,
          );
        }
      }
    }
    if (options.scenarios.has('probe')) {
      for (const mode of ['json', 'stream'] as const) {
        const results = await runProbes(targets, {
          stream: mode === 'stream',
          samples: options.probeSamples,
          warmup: Math.min(100, options.probeSamples),
          blocks: PROBE_BLOCKS,
        });
        targets.forEach((target, at) => {
          const result = results[at]!;
          probes.push({ target: target.name, mode, result });
          log(`probe ${mode} ${target.name}: p50 ${result.totalMs.p50.toFixed(3)} ms`);
        });
      }
    }
    const gateway = targets.find((target) => target.kind === 'switchyard');
    if (options.scenarios.has('scale') && gateway !== undefined) {
      scale = await runScale(gateway, mock.url, options.scaleStreams);
      log(`scale: ${scale.completed}/${scale.attempted} streams completed`);
    }
  } finally {
    await running.stop();
  }
  return assemble(options, { startedAt, started, targets, loads, probes, scale });
}

function assemble(
  options: BenchOptions,
  run: {
    startedAt: string;
    started: number;
    targets: readonly BenchTarget[];
    loads: LoadRun[];
    probes: ProbeRun[];
    scale: ScaleResult | undefined;
  },
): BenchResults {
  const targets = run.targets.map((target) => ({ name: target.name, kind: target.kind }));
  const summary = summarize(targets, run.loads, run.probes);
  const comparisons = compare(summary);
  return {
    version: RESULTS_VERSION,
    startedAt: run.startedAt,
    elapsedS: (Date.now() - run.started) / 1000,
    machine: machineInfo(),
    options: {
      durationS: options.durationS,
      amount: options.amount,
      connections: options.connections,
      rounds: options.rounds,
      probeSamples: options.probeSamples,
      probeBlocks: PROBE_BLOCKS,
      scaleStreams: options.scaleStreams,
      smoke: options.smoke,
    },
    targets,
    loads: run.loads,
    probes: run.probes,
    scale: run.scale,
    summary,
    comparisons,
    checks: checkTargets(summary, comparisons),
  };
}
