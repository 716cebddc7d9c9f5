/**
 * Where the demo's text goes. On a terminal a status line sits below the transcript and is
 * redrawn in place; every transcript line erases it, prints, and draws it again. Elsewhere
 * (a pipe, a file, a CI log) only transcript lines are written, with no control codes.
 */

/** Writes a chunk of text as it is (no newline added), e.g. `process.stdout.write`. */
export type WriteChunk = (chunk: string) => void;

export interface Terminal {
  /** Prints one transcript line. */
  line(text: string): void;
  /** Replaces the status line; ignored when not a terminal. */
  status(text: string): void;
  /** Erases the status line, so whatever follows starts on a clean line. */
  clearStatus(): void;
}

/** CR, then EL (erase the whole line, ECMA-48 `CSI 2 K`). */
const ERASE_LINE = '\r\u001b[2K';

/** A terminal over `write`; `tty` turns the status line on. */
export function createTerminal(options: {
  readonly write: WriteChunk;
  readonly tty: boolean;
}): Terminal {
  const { write, tty } = options;
  let shown: string | undefined;
  return {
    line(text) {
      if (shown === undefined) {
        write(`${text}\n`);
        return;
      }
      write(`${ERASE_LINE}${text}\n${shown}`);
    },
    status(text) {
      if (!tty) return;
      shown = text;
      write(`${ERASE_LINE}${text}`);
    },
    clearStatus() {
      if (shown === undefined) return;
      shown = undefined;
      write(ERASE_LINE);
    },
  };
}
