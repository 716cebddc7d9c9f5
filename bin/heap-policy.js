// The gateway's policy for V8's old generation, set before anything else loads. Plain
// JavaScript, like bin/dist.js, because it must run before the TypeScript does.
//
// After each full collection V8 sets the next one's threshold at a multiple of the heap that
// survived, the multiple chosen from how fast it collects against how fast the program
// allocates: under load it picks about 1.1-1.5. But the first full collection happens while
// the modules load, when the program has allocated nothing yet to measure, and V8 then takes
// its maximum, 4x. The gateway's heap doubles after that collection (routes, code, caches), so
// the threshold stayed far above it: under steady load the heap crept from ~27 to ~50 MB, and
// RSS by ~15 MB, over the first 40 seconds or so before the next full collection (a leak, to
// anyone watching, and a false memory signal to an autoscaler). A fixed factor of 1.25, about
// what V8 itself picks under load, makes the first cycles like the later ones: a full
// collection every ~8 MB of promoted garbage (V8's minimum step), ~3-5 ms of main-thread time
// every 15-20 s at 10k requests per second (docs/performance.md, thirteenth pass).
import process from 'node:process';
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow by this much past what survived the last full collection. */
export const HEAP_GROWING_PERCENT = 25;

/**
 * The V8 flag to set, or undefined when the process was started with its own
 * (`node --heap-growing-percent=N bin/switchyard.js`): an operator's choice wins.
 */
export function heapPolicyFlag(execArgv = process.execArgv) {
  const own = execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg));
  return own ? undefined : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Sets the policy for this process, unless its command line set one. */
export function applyHeapPolicy() {
  const flag = heapPolicyFlag();
  if (flag !== undefined) setFlagsFromString(flag);
}
