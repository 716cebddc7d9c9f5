/**
 * The self-contained demo: two mock upstreams and a gateway in this process, a client sending
 * requests through it, and a script that takes the primary down and brings it back. Everything
 * started here is stopped here, on success, failure or Ctrl-C.
 */
import { startGateway } from '../server/start-gateway.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { createChatProbe } from './chat-probe.ts';
import { demoPlan, FALLBACK_MODEL, PRIMARY_MODEL } from './demo-config.ts';
import type { DemoIo } from './demo-io.ts';
import { renderDemoHeader } from './header.ts';
import { createStyle } from './style.ts';
import { createTerminal } from './terminal.ts';
import { phaseAt, planTimeline, type Timeline } from './timeline.ts';
import { createTranscript, type Transcript } from './transcript.ts';
import { runWatchLoop } from './watch-loop.ts';

export interface DemoOptions {
  /** Time between requests, in ms. */
  readonly intervalMs: number;
  /** How long the primary refuses connections, in ms. */
  readonly outageMs: number;
  /** The gateway's `cooldown_time`, in seconds. */
  readonly cooldownSeconds: number;
  /** Ends the run early, in ms from the first request. Default: the timeline's end. */
  readonly durationMs?: number;
}

/** A client-side timeout well above a mock's answer time; only a hung gateway reaches it. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Runs the demo to its end (or Ctrl-C) and returns the exit code. */
export async function runDemo(options: DemoOptions, io: DemoIo): Promise<number> {
  const style = createStyle(io.colour);
  const terminal = createTerminal(io);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const primary = await startMockUpstream({ name: PRIMARY_MODEL });
    cleanups.push(() => primary.close());
    const fallback = await startMockUpstream({ name: FALLBACK_MODEL });
    cleanups.push(() => fallback.close());
    const plan = demoPlan({
      primaryBase: primary.baseUrl,
      fallbackBase: fallback.baseUrl,
      cooldownSeconds: options.cooldownSeconds,
    });
    const gateway = await startGateway({ plan, port: 0, host: '127.0.0.1' });
    cleanups.push(() => gateway.drain());

    const timeline = planTimeline({ ...options, cooldownMs: options.cooldownSeconds * 1000 });
    const header = renderDemoHeader(
      {
        gatewayUrl: gateway.url,
        primary: { model: PRIMARY_MODEL, url: primary.baseUrl },
        fallback: { model: FALLBACK_MODEL, url: fallback.baseUrl },
        intervalMs: options.intervalMs,
        cooldownSeconds: options.cooldownSeconds,
        timeline,
      },
      style,
    );
    for (const line of header) terminal.line(line);

    const transcript = createTranscript({
      terminal,
      style,
      primary: PRIMARY_MODEL,
      columns: io.columns,
    });
    const send = createChatProbe({
      baseURL: `${gateway.url}/v1`,
      model: PRIMARY_MODEL,
      apiKey: 'sk-switchyard-demo',
      timeoutMs: REQUEST_TIMEOUT_MS,
      now: Date.now,
    });
    await runWatchLoop({
      intervalMs: options.intervalMs,
      durationMs: options.durationMs ?? timeline.endAtMs,
      signal: io.signal,
      send,
      beforeRequest: createOutageScript(primary, timeline, transcript, options.cooldownSeconds),
      onOutcome(outcome, elapsedMs) {
        transcript.record(outcome);
        transcript.status(phaseAt(timeline, elapsedMs), elapsedMs);
      },
    });
    return transcript.finish({ interrupted: io.signal.aborted });
  } finally {
    terminal.clearStatus();
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** Takes the primary down once its time comes, and brings it back once the outage is over. */
function createOutageScript(
  primary: MockUpstream,
  timeline: Timeline,
  transcript: Transcript,
  cooldownSeconds: number,
): (elapsedMs: number) => Promise<void> {
  let step: 'before' | 'down' | 'restored' = 'before';
  return async (elapsedMs) => {
    if (step === 'before' && elapsedMs >= timeline.outageAtMs) {
      step = 'down';
      await primary.stop();
      transcript.narrate(
        `▼ primary ${PRIMARY_MODEL} is DOWN: its upstream now refuses connections`,
        Date.now(),
      );
    }
    if (step === 'down' && elapsedMs >= timeline.restoreAtMs) {
      step = 'restored';
      await primary.start();
      transcript.narrate(
        `▲ primary ${PRIMARY_MODEL} is back UP: the gateway tries it again once its ` +
          `${cooldownSeconds} s cooldown is over`,
        Date.now(),
      );
    }
  };
}
