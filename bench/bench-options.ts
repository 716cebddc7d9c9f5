/** The flags of `npm run bench`, parsed with node:util, and what each defaults to. */
import { parseArgs } from 'node:util';

export const SCENARIOS = ['json', 'stream', 'probe', 'scale'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const TARGET_GROUPS = ['direct', 'floor', 'switchyard', 'peers'] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

/** Everything a run needs to know. */
export interface BenchOptions {
  /** Seconds per load run. Default 3. */
  readonly durationS: number;
  /** Requests per load run instead of a duration (smoke runs). */
  readonly amount: number | undefined;
  /** Connections of the loaded runs; every load also runs at 1 connection. Default 50. */
  readonly connections: number;
  /** How many times the loaded runs repeat (medians, and RSS growth between them). Default 3. */
  readonly rounds: number;
  /**
   * Seconds of each unmeasured load run (WARMUP_RUNS per target and scenario) before the first
   * round. Default 1.
   */
  readonly warmupS: number;
  /** Sequential requests per one-connection probe (latency, TTFT). Default 1000. */
  readonly probeSamples: number;
  /** Concurrent streams of the scale scenario. Default 5000. */
  readonly scaleStreams: number;
  readonly targets: ReadonlySet<TargetGroup>;
  readonly scenarios: ReadonlySet<Scenario>;
  /** Directory for the results JSON; undefined = do not write. Default `bench/results`. */
  readonly outDir: string | undefined;
  readonly smoke: boolean;
}

export const USAGE = `npm run bench -- [flags]

  --duration <s>        seconds per load run (default 3)
  --connections <n>     connections of the loaded runs (default 50; every load also runs at 1)
  --rounds <n>          repeats of the loaded runs: medians and RSS growth (default 3)
  --targets <list>      any of direct,floor,switchyard,peers (default all)
  --scenarios <list>    any of json,stream,probe,scale (default all)
  --probe-samples <n>   sequential requests per latency/TTFT probe (default 1000)
  --scale-streams <n>   concurrent open streams of the scale scenario (default 5000)
  --no-scale            skip the scale scenario
  --smoke               a few hundred requests in all, tiny scale: proves the harness works
  --out <dir>           where the results JSON goes (default bench/results)
  --no-write            print only
  --help`;

/** A flag's value as a number above 0, or undefined when the flag was not given. */
export function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new RangeError(`--${name} expects a number above 0, got "${value}"`);
  }
  return parsed;
}

/** Rounded to a whole number of at least 1. */
export function whole(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.max(1, Math.round(value));
}

/** A comma-separated flag as a set of allowed names; all of them when the flag was not given. */
export function list<T extends string>(
  name: string,
  value: string | undefined,
  all: readonly T[],
): Set<T> {
  if (value === undefined) return new Set(all);
  const picked = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of picked) {
    if (!(all as readonly string[]).includes(item)) {
      throw new RangeError(`--${name}: "${item}" is not one of ${all.join(', ')}`);
    }
  }
  return new Set(picked as T[]);
}

/** Parses argv (without node and the script); throws RangeError on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      targets: { type: 'string' },
      scenarios: { type: 'string' },
      'probe-samples': { type: 'string' },
      'scale-streams': { type: 'string' },
      'no-scale': { type: 'boolean' },
      smoke: { type: 'boolean' },
      out: { type: 'string' },
      'no-write': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  const scenarios = list('scenarios', values.scenarios, SCENARIOS);
  if (values['no-scale'] === true) scenarios.delete('scale');
  // Flags not given stay undefined, so `--smoke` keeps its own defaults for them.
  return benchOptions({
    durationS: positive('duration', values.duration),
    connections: whole(positive('connections', values.connections)),
    rounds: whole(positive('rounds', values.rounds)),
    probeSamples: whole(positive('probe-samples', values['probe-samples'])),
    scaleStreams: whole(positive('scale-streams', values['scale-streams'])),
    targets: list('targets', values.targets, TARGET_GROUPS),
    scenarios,
    outDir: values['no-write'] === true ? undefined : (values.out ?? 'bench/results'),
    smoke: values.smoke === true,
  });
}

/** Fills defaults; `smoke` shrinks every knob that costs time (explicit values still win). */
export function benchOptions(partial: Partial<BenchOptions> = {}): BenchOptions {
  const smoke = partial.smoke ?? false;
  return {
    durationS: partial.durationS ?? 3,
    amount: partial.amount ?? (smoke ? 150 : undefined),
    connections: partial.connections ?? (smoke ? 10 : 50),
    rounds: partial.rounds ?? (smoke ? 1 : 3),
    warmupS: partial.warmupS ?? (smoke ? 0 : 1),
    probeSamples: partial.probeSamples ?? (smoke ? 30 : 1000),
    scaleStreams: partial.scaleStreams ?? (smoke ? 50 : 5000),
    targets: partial.targets ?? new Set(TARGET_GROUPS),
    scenarios: partial.scenarios ?? new Set(SCENARIOS),
    outDir: partial.outDir,
    smoke,
  };
}
