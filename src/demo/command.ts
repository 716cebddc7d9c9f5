/**
 * `switchyard demo`: flags in, exit code out. Without `--target` it runs the self-contained
 * failover demo; with it, the watcher alone against a running gateway.
 */
import type { DemoIo } from './demo-io.ts';

/** The flags as the CLI parsed them (numbers already checked to be positive). */
export interface DemoFlags {
  /** Time between requests, in ms. */
  readonly interval: number;
  /** How long the primary stays down, in ms (self-contained demo only). */
  readonly outage: number;
  /** The gateway's `cooldown_time`, in seconds (self-contained demo only). */
  readonly cooldown: number;
  /** Stops after this many seconds. */
  readonly duration?: number;
  readonly target?: string;
  readonly model?: string;
  readonly apiKey?: string;
}

/** `--interval` default, in ms. */
export const DEFAULT_INTERVAL_MS = 500;
/** `--outage` default, in ms. */
export const DEFAULT_OUTAGE_MS = 10_000;
/** `--cooldown` default, in seconds. */
export const DEFAULT_COOLDOWN_S = 3;
/** A real model can take a while to answer; a request is reported failed after this, in ms. */
const TARGET_TIMEOUT_MS = 30_000;
/** The OpenAI SDK insists on a key; a gateway without auth ignores this one. */
const NO_KEY = 'sk-no-key';

/** What is wrong with a combination of flags, or undefined when they make sense together. */
export function demoUsageProblem(flags: DemoFlags): string | undefined {
  if (flags.target === undefined) {
    return flags.model === undefined ? undefined : '--model needs --target';
  }
  if (flags.model === undefined) return '--target needs --model (the primary model group)';
  let url: URL;
  try {
    url = new URL(flags.target);
  } catch {
    return `--target must be a URL like http://localhost:4000, got "${flags.target}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `--target must be an http or https URL, got "${flags.target}"`;
  }
  return undefined;
}

/**
 * Runs the demo or the watcher and returns the exit code: 0 when requests were sent and none
 * failed, 1 otherwise. `env` supplies LITELLM_MASTER_KEY for `--target` without `--api-key`.
 * Call demoUsageProblem() first. The demo's modules (and the OpenAI SDK its client uses) are
 * loaded here, not when the CLI starts: `switchyard serve` never needs them.
 */
export async function runDemoCommand(
  flags: DemoFlags,
  io: DemoIo,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const durationMs = flags.duration === undefined ? undefined : flags.duration * 1000;
  if (flags.target !== undefined && flags.model !== undefined) {
    const { runTarget } = await import('./target-mode.ts');
    return runTarget(
      {
        target: flags.target,
        model: flags.model,
        apiKey: flags.apiKey ?? (env.LITELLM_MASTER_KEY || NO_KEY),
        intervalMs: flags.interval,
        durationMs,
        timeoutMs: TARGET_TIMEOUT_MS,
      },
      io,
    );
  }
  const { runDemo } = await import('./run-demo.ts');
  return runDemo(
    {
      intervalMs: flags.interval,
      outageMs: flags.outage,
      cooldownSeconds: flags.cooldown,
      durationMs,
    },
    io,
  );
}
