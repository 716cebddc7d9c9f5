/**
 * The demo's words: one line per request, the banner when traffic moves, the status line and
 * the summary. Pure functions of their inputs; the time of day is formatted in local time.
 */
import type { Style } from './style.ts';
import {
  type Observation,
  type RequestOutcome,
  type Transition,
  type WatcherState,
  zeroFailures,
} from './watcher.ts';

/** Longest reply shown on a request line, in characters. */
const REPLY_WIDTH = 60;
/** Width of the banner's rules. */
const RULE_WIDTH = 64;

/** `HH:MM:SS` in local time. */
export function clockTime(epochMs: number): string {
  const date = new Date(epochMs);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

/** One line of text, at most `width` characters, ending in `…` when cut. */
function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

/** The line printed for one request. */
export function renderRequest(
  observation: Observation,
  outcome: RequestOutcome,
  style: Style,
): string {
  const head = `${style.dim(`[${clockTime(outcome.at)}]`)} #${String(observation.request).padEnd(4)}`;
  const took = style.dim(`${Math.round(outcome.latencyMs)} ms`);
  if (!outcome.ok) {
    const status = outcome.status === undefined ? '' : `${outcome.status} `;
    return `${head} ${style.red(style.bold('FAILED  '))}  ${status}${oneLine(outcome.message, 80)}  ${took}`;
  }
  const label =
    observation.role === 'primary'
      ? style.green(style.bold('PRIMARY '))
      : style.yellow(style.bold('FALLBACK'));
  const reply = JSON.stringify(oneLine(outcome.reply, REPLY_WIDTH));
  return `${head} ${label}  ${style.cyan(outcome.answeredBy.padEnd(12))} ${reply}  ${took}`;
}

/** The banner printed once when traffic moves, before the line of the request that showed it. */
export function renderTransition(transition: Transition, style: Style): string[] {
  const paint = transition.kind === 'failover' ? style.yellow : style.green;
  const title = transition.kind === 'failover' ? 'FAILOVER DETECTED' : 'RECOVERY DETECTED';
  const rule = paint('='.repeat(RULE_WIDTH));
  return [rule, paint(style.bold(`  ${title}: ${transition.from} → ${transition.to}`)), rule];
}

/**
 * The live status line (terminals only): what is going on and the counts so far, cut to
 * `columns` so it never wraps (a wrapped line could not be erased in place).
 */
export function renderStatus(
  state: WatcherState,
  phase: string | undefined,
  elapsedMs: number,
  options: { readonly style: Style; readonly columns: number },
): string {
  const parts = [
    ...(phase === undefined ? [] : [phase]),
    `${(elapsedMs / 1000).toFixed(1)} s`,
    `${state.total} sent, ${state.failed} failed`,
    `failovers ${state.failovers}`,
    `answering ${state.current ?? '-'}`,
  ];
  const text = oneLine(`» ${parts.join(' | ')}`, Math.max(options.columns - 1, 1));
  return state.failed > 0 ? options.style.red(text) : options.style.dim(text);
}

/** The closing summary; `interrupted` says the run was stopped with Ctrl-C. */
export function renderSummary(
  state: WatcherState,
  style: Style,
  options: { readonly interrupted: boolean },
): string[] {
  const met = zeroFailures(state);
  const failed = state.failed > 0 ? style.red(String(state.failed)) : String(state.failed);
  const verdict = met
    ? style.green(style.bold('PASS: every request got an answer'))
    : style.red(
        style.bold(
          state.total === 0 ? 'FAIL: no request was sent' : 'FAIL: some requests got no answer',
        ),
      );
  return [
    style.bold(options.interrupted ? 'Summary (stopped by Ctrl-C)' : 'Summary'),
    `  Total requests:     ${state.total}`,
    `  Successful:         ${state.succeeded} (primary ${state.servedByPrimary}, fallback ${state.servedByFallback})`,
    `  Failed:             ${failed}`,
    `  Failovers detected: ${state.failovers}`,
    `  Recoveries:         ${state.recoveries}`,
    `  Result:             ${verdict}`,
  ];
}
