/**
 * The log destination for stdout: lines are collected for up to FLUSH_DELAY_MS (or
 * FLUSH_BYTES) and leave in one write. Under load that is one syscall for dozens or hundreds
 * of request lines; a line never waits more than FLUSH_DELAY_MS.
 *
 * Why not pino's own destination: its synchronous mode makes a syscall per line, and its
 * asynchronous mode hands every batch to libuv's thread pool and measures the whole pending
 * buffer again on every line. process.stdout already does the right thing per kind of stdout:
 * on Linux pipes, files and terminals it writes synchronously, so nothing handed to it is lost
 * on exit; what is still waiting for the end of the turn is written on `exit`.
 */
/** Longest a line waits before it is written, in ms. */
const FLUSH_DELAY_MS = 10;
/** Collected text (in UTF-16 units, ~bytes for log lines) that is written at once. */
const FLUSH_BYTES = 64 * 1024;

export interface BatchedDestination {
  write(line: string): void;
  /** Writes what is waiting now; `done` is called once it is handed to the stream. */
  flush(done?: (error?: Error) => void): void;
}

export function createBatchedDestination(
  out: Pick<NodeJS.WritableStream, 'write'> = process.stdout,
): BatchedDestination {
  let pending: string[] = [];
  let pendingLength = 0;
  let timer: NodeJS.Timeout | undefined;

  const flushNow = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    pendingLength = 0;
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
