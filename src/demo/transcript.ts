/**
 * Joins the watcher's state to the terminal: each outcome becomes a banner (when traffic
 * moved) and a request line, the status line follows along, and the run ends with the summary
 * and its exit code. No timers here: the loop feeds it, tests feed it by hand.
 */
import {
  clockTime,
  renderRequest,
  renderStatus,
  renderSummary,
  renderTransition,
} from './render.ts';
import type { Style } from './style.ts';
import type { Terminal } from './terminal.ts';
import {
  createWatcherState,
  exitCodeFor,
  observe,
  type RequestOutcome,
  type WatcherState,
} from './watcher.ts';

export interface Transcript {
  /** Prints one request's outcome, preceded by a banner when it shows traffic moved. */
  record(outcome: RequestOutcome): void;
  /** Prints an event of the run (the primary going down), stamped with its time of day. */
  narrate(text: string, at: number): void;
  /** Redraws the status line (terminals only). `phase` describes the primary, when known. */
  status(phase: string | undefined, elapsedMs: number): void;
  /** Erases the status line, prints the summary, and returns the exit code. */
  finish(options: { readonly interrupted: boolean }): number;
  /** The watcher's state so far. */
  state(): WatcherState;
}

export interface TranscriptOptions {
  readonly terminal: Terminal;
  readonly style: Style;
  /** The model group the client requests. */
  readonly primary: string;
  /** The terminal's width, for the status line. Default 80. */
  readonly columns?: number;
}

export function createTranscript(options: TranscriptOptions): Transcript {
  const { terminal, style } = options;
  let state = createWatcherState(options.primary);
  return {
    record(outcome) {
      const observation = observe(state, outcome);
      state = observation.state;
      if (observation.transition !== undefined) {
        terminal.line('');
        for (const line of renderTransition(observation.transition, style)) terminal.line(line);
      }
      terminal.line(renderRequest(observation, outcome, style));
    },
    narrate(text, at) {
      terminal.line(`${style.dim(`[${clockTime(at)}]`)} ${style.bold(text)}`);
    },
    status(phase, elapsedMs) {
      terminal.status(
        renderStatus(state, phase, elapsedMs, { style, columns: options.columns ?? 80 }),
      );
    },
    finish({ interrupted }) {
      terminal.clearStatus();
      terminal.line('');
      for (const line of renderSummary(state, style, { interrupted })) terminal.line(line);
      return exitCodeFor(state);
    },
    state: () => state,
  };
}
