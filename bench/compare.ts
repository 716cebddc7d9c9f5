/**
 * `npm run bench:compare -- <git ref>`: this checkout's Switchyard against the one at `<ref>`,
 * both running at once on one mock and loaded at the same time, round after round. On a shared
 * machine whose speed changes from one minute to the next, two runs taken in turn differ by more
 * than a 5 % step; two builds measured side by side meet the same noise, so their ratio holds.
 * See docs/performance.md ("Comparing two builds").
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchTarget } from './bench-target.ts';
import { median } from './summary.ts';
import { startChild, type ChildService } from './child-service.ts';
import { runLoad, WARMUP_RUNS, type LoadResult } from './load.ts';
import {
  REPO_ROOT,
  startMock,
  switchyardConfig,
  switchyardSpec,
  switchyardTarget,
} from './start-targets.ts';

export interface CompareOptions {
  /** The git ref of the build compared against (e.g. `HEAD`, `main~3`, a commit). */
  readonly base: string;
  readonly rounds: number;
  readonly durationS: number;
  /** Connections per build (both are loaded at once). */
  readonly connections: number;
  readonly streams: readonly boolean[];
}

/** One round: both builds loaded together. */
export interface CompareRound {
  readonly stream: boolean;
  readonly base: LoadResult;
  readonly current: LoadResult;
}

export interface CompareResults {
  readonly base: string;
  readonly rounds: readonly CompareRound[];
}

/**
 * Checks `base` out into a temporary worktree (sharing this checkout's node_modules), builds
 * it, and measures it against this checkout, which `npm run bench:compare` builds first.
 */
export async function compareBuilds(
  options: CompareOptions,
  log: (line: string) => void = () => undefined,
): Promise<CompareResults> {
  try {
    git(['rev-parse', '--verify', '--quiet', `${options.base}^{commit}`]);
  } catch {
    throw new Error(`"${options.base}" names no commit of this repository`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-compare-'));
  const worktree = join(dir, 'base');
  const children: ChildService[] = [];
  let added = false;
  try {
    git(['worktree', 'add', '--detach', worktree, options.base]);
    added = true;
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(worktree, 'bin', 'build.js')], { stdio: 'ignore' });
    log(`built ${options.base} in ${worktree}`);

    const mock = await startMock();
    children.push(mock);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, switchyardConfig(mock.url));
    const [base, current] = await Promise.all([
      startGateway('base', worktree, config, children),
      startGateway('current', REPO_ROOT, config, children),
    ]);

    const rounds: CompareRound[] = [];
    for (const stream of options.streams) {
      const spec = { connections: options.connections, durationS: options.durationS, stream };
      for (let run = 0; run < WARMUP_RUNS; run++) {
        await Promise.all([runLoad(base, spec), runLoad(current, spec)]);
      }
      for (let round = 1; round <= options.rounds; round += 1) {
        const [b, c] = await Promise.all([runLoad(base, spec), runLoad(current, spec)]);
        rounds.push({ stream, base: b, current: c });
        log(`${stream ? 'stream' : 'json'} round ${round}: ${describeRound(b, c)}`);
      }
    }
    return { base: options.base, rounds };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    if (added) git(['worktree', 'remove', '--force', worktree]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startGateway(
  name: string,
  root: string,
  config: string,
  children: ChildService[],
): Promise<BenchTarget> {
  const gateway = await startChild(switchyardSpec(name, root, config));
  children.push(gateway);
  return switchyardTarget(name, gateway);
}

function git(args: readonly string[]): void {
  execFileSync('git', args, { cwd: REPO_ROOT, stdio: 'ignore' });
}

function describeRound(base: LoadResult, current: LoadResult): string {
  const cpu = (result: LoadResult): string => `${Math.round(result.cpuUsPerRequest ?? NaN)} µs`;
  return `base ${cpu(base)}, current ${cpu(current)} CPU per request (${base.total} / ${current.total} requests)`;
}

/** The current build's CPU per request relative to the base's, per round: −0.05 is 5 % less. */
export function cpuChanges(rounds: readonly CompareRound[], stream: boolean): number[] {
  return rounds
    .filter((round) => round.stream === stream)
    .map(
      (round) => (round.current.cpuUsPerRequest ?? NaN) / (round.base.cpuUsPerRequest ?? NaN) - 1,
    )
    .filter((change) => Number.isFinite(change));
}

/** The report: every round, then the median change per mode. */
export function formatComparison(results: CompareResults): string {
  const lines = [
    `Switchyard: this checkout (current) against ${results.base} (base), side by side`,
  ];
  for (const stream of [false, true]) {
    const changes = cpuChanges(results.rounds, stream);
    const middle = median(changes);
    if (middle === undefined) continue;
    const percent = (change: number): string =>
      `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;
    lines.push(
      `${stream ? 'streams' : 'JSON'}: CPU per request ${percent(middle)} (median of ${changes.length} rounds; ${changes.map(percent).join(', ')})`,
    );
  }
  return lines.join('\n');
}
