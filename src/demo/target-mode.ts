/**
 * `switchyard demo --target URL --model NAME`: the same watcher against a gateway that is
 * already running (Switchyard or a LiteLLM proxy). Nothing is started or stopped here; the
 * operator scales the primary down and up, and the transcript shows traffic moving.
 */
import { createChatProbe } from './chat-probe.ts';
import type { DemoIo } from './demo-io.ts';
import { renderTargetHeader } from './header.ts';
import { createStyle } from './style.ts';
import { createTerminal } from './terminal.ts';
import { createTranscript } from './transcript.ts';
import { runWatchLoop } from './watch-loop.ts';

export interface TargetOptions {
  /** The gateway's URL, with or without the trailing `/v1`. */
  readonly target: string;
  /** The model group to request: the primary. */
  readonly model: string;
  /** The gateway's key (its master key or a virtual key). */
  readonly apiKey: string;
  /** Time between requests, in ms. */
  readonly intervalMs: number;
  /** How long to watch, in ms. Default: until Ctrl-C. */
  readonly durationMs?: number;
  /** Per-request timeout, in ms. */
  readonly timeoutMs: number;
}

/** The OpenAI base URL of a gateway given as `http://host:port` or `http://host:port/v1`. */
export function openAiBaseUrl(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

/** Watches until `durationMs` or Ctrl-C and returns the exit code. */
export async function runTarget(options: TargetOptions, io: DemoIo): Promise<number> {
  const style = createStyle(io.colour);
  const terminal = createTerminal(io);
  const baseURL = openAiBaseUrl(options.target);
  const header = renderTargetHeader(
    {
      baseURL,
      model: options.model,
      intervalMs: options.intervalMs,
      durationMs: options.durationMs,
    },
    style,
  );
  for (const line of header) terminal.line(line);
  const transcript = createTranscript({
    terminal,
    style,
    primary: options.model,
    columns: io.columns,
  });
  try {
    await runWatchLoop({
      intervalMs: options.intervalMs,
      durationMs: options.durationMs,
      signal: io.signal,
      send: createChatProbe({ ...options, baseURL, now: Date.now }),
      onOutcome(outcome, elapsedMs) {
        transcript.record(outcome);
        transcript.status(undefined, elapsedMs);
      },
    });
    return transcript.finish({ interrupted: io.signal.aborted });
  } finally {
    terminal.clearStatus();
  }
}
