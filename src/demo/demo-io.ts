/** What the demo needs from the process it runs in, handed over by the CLI. */
import type { WriteChunk } from './terminal.ts';

export interface DemoIo {
  /** Writes text to standard output as it is, e.g. `(chunk) => process.stdout.write(chunk)`. */
  readonly write: WriteChunk;
  /** Standard output is a terminal: the live status line is drawn. */
  readonly tty: boolean;
  /** The terminal's width in characters, when known. */
  readonly columns?: number;
  /** ANSI colours are used. Usually `tty` unless NO_COLOR is set. */
  readonly colour: boolean;
  /** Aborted on Ctrl-C: the run stops, prints its summary and cleans up. */
  readonly signal: AbortSignal;
}
