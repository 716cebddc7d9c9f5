/** The lines that open a run: what is being watched, and what is about to happen. */
import type { Style } from './style.ts';
import type { Timeline } from './timeline.ts';

export interface DemoHeaderInfo {
  readonly gatewayUrl: string;
  readonly primary: { readonly model: string; readonly url: string };
  readonly fallback: { readonly model: string; readonly url: string };
  readonly intervalMs: number;
  readonly cooldownSeconds: number;
  readonly timeline: Timeline;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** The self-contained demo's opening: the setup, the config that matters, the script. */
export function renderDemoHeader(info: DemoHeaderInfo, style: Style): string[] {
  const { primary, fallback, timeline } = info;
  return [
    style.bold('Switchyard failover demo'),
    `  gateway    ${info.gatewayUrl}  (in this process; no API keys, no network)`,
    `  primary    ${primary.model.padEnd(10)} → mock upstream ${primary.url}`,
    `  fallback   ${fallback.model.padEnd(10)} → mock upstream ${fallback.url}`,
    `  router     fallbacks: [{${primary.model}: [${fallback.model}]}], num_retries: 0, allowed_fails: 1, cooldown_time: ${info.cooldownSeconds}`,
    `  script     a request every ${info.intervalMs} ms; the primary goes down at ${seconds(timeline.outageAtMs)}` +
      ` for ${seconds(timeline.restoreAtMs - timeline.outageAtMs)}; ends at ${seconds(timeline.endAtMs)}`,
    style.dim('  Ctrl-C stops early and prints the summary.'),
    '',
  ];
}

export interface TargetHeaderInfo {
  readonly baseURL: string;
  readonly model: string;
  readonly intervalMs: number;
  /** Undefined: until Ctrl-C. */
  readonly durationMs: number | undefined;
}

/** The opening of `--target` mode, where the operator takes the primary down by hand. */
export function renderTargetHeader(info: TargetHeaderInfo, style: Style): string[] {
  const until = info.durationMs === undefined ? 'until Ctrl-C' : `for ${seconds(info.durationMs)}`;
  return [
    style.bold('Switchyard failover watch'),
    `  gateway    ${info.baseURL}`,
    `  primary    ${info.model} (the model requested; any other group answering is a fallback)`,
    `  requests   every ${info.intervalMs} ms, ${until}`,
    style.dim('  Take the primary down and bring it back; each move of traffic is announced here.'),
    '',
  ];
}
