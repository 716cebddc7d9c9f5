/**
 * Resident memory of a child process, read from the outside so the process under test runs no
 * measuring code: Linux's `/proc/<pid>/status` (VmRSS), else `ps -o rss=` (macOS, BSDs).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** RSS of `pid` in bytes, or undefined when the process is gone or cannot be read. */
export function readRssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // Not Linux, or the process has exited: try ps below.
  }
  try {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }));
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples RSS while a load runs; `stop()` returns the peak seen, in bytes. */
export interface RssSampler {
  stop(): number | undefined;
}

/** Samples every `intervalMs` (default 100 ms) until stopped. */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak = readRssBytes(pid);
  const timer = setInterval(() => {
    const now = readRssBytes(pid);
    if (now !== undefined && (peak === undefined || now > peak)) peak = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const now = readRssBytes(pid);
      if (now !== undefined && (peak === undefined || now > peak)) peak = now;
      return peak;
    },
  };
}
