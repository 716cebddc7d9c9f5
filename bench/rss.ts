/**
 * Resident memory and CPU time of a child process, read from the outside so the process under
 * test runs no measuring code: Linux's `/proc/<pid>/status` (VmRSS) and `/proc/<pid>/stat`
 * (utime + stime), else `ps` (macOS, BSDs).
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

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every common Linux build). */
const USER_HZ = 100;

/**
 * CPU time `pid` has used so far (user + system, all threads), in ms; undefined when unknown.
 * Divided by the requests served, it is a per-request cost that a busy machine does not skew
 * the way it skews wall-clock throughput.
 */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields are counted after its closing paren.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (Number.isFinite(ticks)) return (ticks * 1000) / USER_HZ;
  } catch {
    // Not Linux, or gone: try ps below.
  }
  try {
    const text = execFileSync('ps', ['-o', 'time=', '-p', String(pid)], { encoding: 'utf8' });
    const parts = text.trim().split(/[:-]/).map(Number).reverse();
    const seconds = (parts[0] ?? 0) + (parts[1] ?? 0) * 60 + (parts[2] ?? 0) * 3600;
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  } catch {
    return undefined;
  }
}
