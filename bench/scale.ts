/**
 * Many concurrent open streams through one instance. The mock is told to send the first chunk
 * of every stream and then hold it open (`streamStallAfter`); once every stream has delivered
 * its first chunk to the client, all are open at once and the gateway's RSS is sampled. A mock
 * reset then ends every stream with `[DONE]`, and each must complete.
 */
import { execFileSync } from 'node:child_process';
import { Pool } from 'undici';
import { chatBody, requestHeaders, type BenchTarget } from './bench-target.ts';
import { readRssBytes } from './rss.ts';

/** What the scale scenario measured. */
export interface ScaleResult {
  readonly target: string;
  /** Streams asked for, and how many were actually attempted (fewer when fds are limited). */
  readonly requested: number;
  readonly attempted: number;
  /** Streams that delivered their first chunk while all were held open. */
  readonly opened: number;
  /** Streams that ended with `[DONE]`. */
  readonly completed: number;
  readonly failed: number;
  /** Time to get every stream open, in ms. */
  readonly openMs: number;
  /** Peak RSS of the target while the streams were open, in bytes. */
  readonly rssPeakBytes: number | undefined;
  /** RSS before the streams were opened, in bytes. */
  readonly rssBeforeBytes: number | undefined;
  /** `ulimit -n` of the harness (children inherit it); undefined when unknown. */
  readonly fdLimit: number | undefined;
  /** Why fewer streams than requested were attempted, if so. */
  readonly limitedBy: string | undefined;
}

/** Streams opened at once; a burst larger than the listen backlog costs SYN retries. */
const BATCH = 250;
/** Longest wait for all streams to open, or to finish, in ms. */
const PHASE_TIMEOUT_MS = 30_000;
/** Descriptors kept free for everything else a process holds open. */
const FD_MARGIN = 256;

/** `ulimit -n` for this process tree, or undefined when it cannot be read. */
export function fdLimit(): number | undefined {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
  } catch {
    return undefined;
  }
}

interface OpenStream {
  readonly opened: Promise<boolean>;
  readonly finished: Promise<boolean>;
}

function openStream(pool: Pool, target: BenchTarget, body: string): OpenStream {
  let markOpened: (ok: boolean) => void = () => undefined;
  const opened = new Promise<boolean>((resolve) => (markOpened = resolve));
  const headers = requestHeaders(target);
  const finished = (async () => {
    try {
      const answer = await pool.request({ path: target.path, method: 'POST', headers, body });
      let text = '';
      for await (const chunk of answer.body) {
        if (text === '') markOpened(answer.statusCode === 200);
        text += (chunk as Buffer).toString('utf8');
      }
      markOpened(false);
      return answer.statusCode === 200 && text.includes('data: [DONE]');
    } catch {
      markOpened(false);
      return false;
    }
  })();
  return { opened, finished };
}

async function control(mockUrl: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${mockUrl}/__control/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`mock control ${path} answered ${response.status}`);
}

function withTimeout<T>(work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), PHASE_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Holds `streams` streams open through `target` at once; `mockUrl` is the upstream's origin. */
export async function runScale(
  target: BenchTarget,
  mockUrl: string,
  streams: number,
): Promise<ScaleResult> {
  const limit = fdLimit();
  // The gateway holds two descriptors per stream (client and upstream sockets).
  const fit = limit === undefined ? streams : Math.floor((limit - FD_MARGIN) / 2);
  const attempted = Math.max(0, Math.min(streams, fit));
  const limitedBy =
    attempted < streams ? `ulimit -n is ${limit}: room for ${attempted} streams` : undefined;
  const rssBeforeBytes = readRssBytes(target.pid);
  const pool = new Pool(target.url, { connections: attempted + 1 });
  const body = chatBody(target, true);
  const all: OpenStream[] = [];
  let peak = rssBeforeBytes;
  const sample = (): void => {
    const now = readRssBytes(target.pid);
    if (now !== undefined && (peak === undefined || now > peak)) peak = now;
  };
  const started = Date.now();
  await control(mockUrl, 'fault', { streamStallAfter: 1 });
  try {
    for (let i = 0; i < attempted; i += BATCH) {
      const batch: OpenStream[] = [];
      for (let j = i; j < Math.min(i + BATCH, attempted); j++) {
        batch.push(openStream(pool, target, body));
      }
      all.push(...batch);
      await withTimeout(Promise.all(batch.map((stream) => stream.opened)), []);
      sample();
    }
    const openFlags = await withTimeout(Promise.all(all.map((stream) => stream.opened)), []);
    const openMs = Date.now() - started;
    for (let i = 0; i < 5; i++) {
      sample();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Ends every held stream with `[DONE]` and clears the fault.
    await control(mockUrl, 'reset', {});
    const done = await withTimeout(Promise.all(all.map((stream) => stream.finished)), []);
    const completed = done.filter(Boolean).length;
    return {
      target: target.name,
      requested: streams,
      attempted,
      opened: openFlags.filter(Boolean).length,
      completed,
      failed: attempted - completed,
      openMs,
      rssPeakBytes: peak,
      rssBeforeBytes,
      fdLimit: limit,
      limitedBy,
    };
  } finally {
    await control(mockUrl, 'reset', {}).catch(() => undefined);
    await pool.destroy();
  }
}
