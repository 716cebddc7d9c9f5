/**
 * `npm run bench:instructions`: instructions per request of the floor and of Switchyard, counted
 * by valgrind's callgrind. Unlike CPU time, the count does not depend on how busy the machine is:
 * runs on one build have agreed within ~1.5 %, so a change of a few per cent can be seen where
 * `npm run bench:compare` needs ~10 %. It is blind to what an instruction costs (cache misses, the kernel), so it
 * complements the timed benchmarks rather than replacing them. See docs/performance.md
 * ("Counting instructions").
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchTarget } from './bench-target.ts';
import { startChild, type ChildService, type ChildSpec } from './child-service.ts';
import { runLoad } from './load.ts';
import {
  floorSpec,
  floorTarget,
  REPO_ROOT,
  startMock,
  switchyardConfig,
  switchyardSpec,
  switchyardTarget,
} from './start-targets.ts';

export type CountedTarget = 'floor' | 'switchyard';

export interface InstructionOptions {
  readonly targets: ReadonlySet<CountedTarget>;
  readonly streams: readonly boolean[];
  /** Requests counted, after the warm-up. */
  readonly requests: number;
  /** Requests sent before counting starts. */
  readonly warmup: number;
  /**
   * Where to keep each count's callgrind profile (`<target>-<scenario>.out`) and its process's
   * V8 symbol map (`<target>-<scenario>.map`, from node's --perf-basic-prof), so that
   * bench/callgrind-names.ts can name the JavaScript functions in it. Undefined: thrown away.
   */
  readonly keepDir?: string;
}

export interface InstructionCount {
  readonly target: CountedTarget;
  readonly stream: boolean;
  /** Requests the counted window completed. */
  readonly requests: number;
  /** Instructions of the main thread (JavaScript, the GC with --single-threaded-gc) per request. */
  readonly perRequest: number;
  /** Instructions of V8's background threads (optimising compiles still under way) per request. */
  readonly backgroundPerRequest: number;
}

/** The load while counting: few connections, so valgrind's slow process keeps up. */
const CONNECTIONS = 10;

/**
 * Counts each selected target in each scenario, the targets of one scenario at once (the count
 * does not depend on sharing the CPU). Each target runs under valgrind in a process of its own.
 */
export async function countInstructions(
  options: InstructionOptions,
  log: (line: string) => void = () => undefined,
): Promise<InstructionCount[]> {
  requireTool('valgrind', ['--version']);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-instructions-'));
  let mock: ChildService | undefined;
  try {
    mock = await startMock();
    const config = join(dir, 'config.yaml');
    writeFileSync(config, switchyardConfig(mock.url));
    const specs: Record<CountedTarget, ChildSpec> = {
      floor: floorSpec(mock.url),
      switchyard: switchyardSpec('switchyard', REPO_ROOT, config),
    };
    const counts: InstructionCount[] = [];
    for (const stream of options.streams) {
      // Settled, not raced: a failing target must not leave the other running past the mock.
      const settled = await Promise.allSettled(
        [...options.targets].map((target) =>
          countOne(target, specs[target], stream, options, join(dir, `${target}-${stream}.out`)),
        ),
      );
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      const measured = settled.map(
        (result) => (result as PromiseFulfilledResult<InstructionCount>).value,
      );
      for (const count of measured) {
        log(`${count.target} ${stream ? 'stream' : 'json'}: ${describe(count)}`);
        counts.push(count);
      }
    }
    return counts;
  } finally {
    await mock?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function countOne(
  target: CountedTarget,
  spec: ChildSpec,
  stream: boolean,
  options: InstructionOptions,
  outFile: string,
): Promise<InstructionCount> {
  const keep = options.keepDir;
  const child = await startChild({
    ...spec,
    command: 'valgrind',
    // Start-up alone takes 10-16 s under valgrind on an idle machine.
    startTimeoutMs: 180_000,
    // Instrumentation starts off and is switched on around the counted window only. A single
    // GC thread keeps the collector's work in the count and the count repeatable.
    args: [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${outFile}`,
      process.execPath,
      '--single-threaded-gc',
      // Names for JIT code: written when code is compiled, which is done before the count.
      // The flag also opens V8's own log, which would land in the checkout as isolate-*.log.
      ...(keep === undefined
        ? []
        : ['--perf-basic-prof', '--no-logfile-per-isolate', '--logfile=/dev/null']),
      ...spec.args,
    ],
  });
  let requests: number;
  try {
    const bench: BenchTarget =
      target === 'floor' ? floorTarget(child) : switchyardTarget(target, child);
    const load = (amount: number) =>
      runLoad(bench, { connections: CONNECTIONS, durationS: 0, amount, stream });
    await load(options.warmup);
    callgrindControl('on', child.pid);
    const counted = await load(options.requests);
    callgrindControl('off', child.pid);
    if (counted.errors > 0 || counted.non2xx > 0) {
      throw new Error(
        `${target}: ${counted.errors} errors and ${counted.non2xx} non-2xx answers while counting`,
      );
    }
    requests = counted.total;
  } finally {
    // The profile is written when the process exits.
    await child.stop();
  }
  if (keep !== undefined)
    keepProfile(keep, `${target}-${stream ? 'stream' : 'json'}`, outFile, child.pid);
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', outFile], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const totals = readCallgrindTotals(annotated);
  return {
    target,
    stream,
    requests,
    perRequest: (totals.total - totals.background) / requests,
    backgroundPerRequest: totals.background / requests,
  };
}

/**
 * The whole count and the part of it on V8's background worker threads, from
 * `callgrind_annotate --inclusive=yes`. Under valgrind the compiler thread is starved, so
 * optimising compiles go on long after they would have ended in a real run; counting only the
 * main thread leaves them out.
 */
export function readCallgrindTotals(annotated: string): { total: number; background: number } {
  const total = countOnLine(annotated, /^\s*([\d,]+)\s.*PROGRAM TOTALS/m);
  if (total === undefined) throw new Error('callgrind_annotate printed no PROGRAM TOTALS');
  const background = countOnLine(annotated, /^\s*([\d,]+)\s.*:node::.*PlatformWorkerThread/m) ?? 0;
  return { total, background };
}

function countOnLine(text: string, pattern: RegExp): number | undefined {
  const digits = pattern.exec(text)?.[1];
  return digits === undefined ? undefined : Number(digits.replaceAll(',', ''));
}

/** Copies a count's profile and its process's V8 symbol map (node writes it to /tmp) to `dir`. */
function keepProfile(dir: string, name: string, outFile: string, pid: number): void {
  mkdirSync(dir, { recursive: true });
  copyFileSync(outFile, join(dir, `${name}.out`));
  const map = join('/tmp', `perf-${pid}.map`);
  copyFileSync(map, join(dir, `${name}.map`));
  rmSync(map, { force: true });
}

function callgrindControl(state: 'on' | 'off', pid: number): void {
  execFileSync('callgrind_control', [`--instr=${state}`, String(pid)], { stdio: 'ignore' });
}

function requireTool(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    throw new Error(`${command} is not installed (Debian: apt-get install valgrind)`);
  }
}

function describe(count: InstructionCount): string {
  const thousands = (value: number): string => `${Math.round(value / 1000)}k`;
  return `${thousands(count.perRequest)} instructions per request (${count.requests} requests; background threads ${thousands(count.backgroundPerRequest)})`;
}

/** A table of the counts, with Switchyard's ratio to the floor where both were counted. */
export function formatInstructions(counts: readonly InstructionCount[]): string {
  const lines = ['instructions per request (main thread, callgrind):'];
  for (const stream of [false, true]) {
    const scenario = counts.filter((count) => count.stream === stream);
    if (scenario.length === 0) continue;
    for (const count of scenario) {
      lines.push(`  ${stream ? 'stream' : 'JSON  '} ${count.target.padEnd(10)} ${describe(count)}`);
    }
    const floor = scenario.find((count) => count.target === 'floor');
    const switchyard = scenario.find((count) => count.target === 'switchyard');
    if (floor && switchyard) {
      const ratio = switchyard.perRequest / floor.perRequest;
      lines.push(`  ${stream ? 'stream' : 'JSON  '} switchyard / floor ${ratio.toFixed(2)}x`);
    }
  }
  return lines.join('\n');
}
