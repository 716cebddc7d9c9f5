/**
 * The log destination for stdout: lines are collected for up to FLUSH_DELAY_MS (or
 * FLUSH_BYTES) and leave in one write. Under load that is one syscall for dozens or hundreds
 * of request lines; a line never waits more than FLUSH_DELAY_MS.
 *
 * Why not pino's own destination: its synchronous mode makes a syscall per line and blocks the
 * whole gateway while a log reader is slow; its asynchronous mode hands every batch to libuv's
 * thread pool and measures the whole pending buffer again on every line.
 *
 * A reader that stops reading (a stuck log shipper, a full pipe) must neither stall the
 * gateway nor grow its memory without bound: process.stdout queues what the pipe cannot take,
 * and past MAX_QUEUED_BYTES queued, lines are dropped and counted instead; once the reader
 * catches up, one line says how many were lost. Lines waiting for the end of their batch are
 * written on `exit`.
 */
/** Longest a line waits before it is written, in ms. */
const FLUSH_DELAY_MS = 10;
/** Collected text (in UTF-16 units, ~bytes for log lines) that is written at once. */
const FLUSH_BYTES = 64 * 1024;
/** Most bytes left queued in the stream (its reader is behind) before lines are dropped. */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** What the destination needs of its stream: process.stdout has it. */
export interface LogStream {
  write(text: string): boolean;
  /** Bytes queued, not yet taken by the reader. */
  readonly writableLength: number;
}

export interface BatchedDestination {
  write(line: string): void;
  /** Writes what is waiting now; `done` is called once it is handed to the stream. */
  flush(done?: (error?: Error) => void): void;
}

export function createBatchedDestination(out: LogStream = process.stdout): BatchedDestination {
  let pending: string[] = [];
  let pendingLength = 0;
  let timer: NodeJS.Timeout | undefined;
  let dropped = 0;

  const flushNow = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    if (out.writableLength > MAX_QUEUED_BYTES) {
      dropped += pending.length;
      pending = [];
      pendingLength = 0;
      return;
    }
    let text = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    pendingLength = 0;
    if (dropped > 0) {
      text =
        `{"level":40,"time":${Date.now()},"service":"switchyard","dropped_lines":${dropped},` +
        `"msg":"log lines dropped: stdout was not being read"}\n${text}`;
      dropped = 0;
    }
    out.write(text);
  };

  process.on('exit', flushNow);
  return {
    write(line) {
      pending.push(line);
      pendingLength += line.length;
      if (pendingLength >= FLUSH_BYTES) flushNow();
      // Unref'd: waiting log lines never keep a process alive; `exit` writes them.
      else timer ??= setTimeout(flushNow, FLUSH_DELAY_MS).unref();
    },
    flush(done) {
      flushNow();
      done?.();
    },
  };
}
