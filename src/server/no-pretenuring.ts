/**
 * Turns off V8's allocation-site pretenuring for this process.
 *
 * V8 watches how many objects made at each object or array literal survive two young-generation
 * collections, and once a site's survival rate is high it "pretenures" the site: its objects are
 * then made directly in the old generation. A gateway's objects live for one request, but a
 * moment when requests live longer than usual (cold code under the first load, say) can tip a
 * per-request site over: it happened during the warm-up, at no point one could name. From then
 * on those objects die in the old generation, and until the next full collection they keep the
 * young objects they point to alive too: ~70 % of a scavenge's survivors were promoted instead
 * of ~2 %, a full collection every ~2 s instead of almost none, RSS under load ~220 MB instead
 * of ~136 MB and ~20 % more CPU per request, for as long as the process was watched. Started
 * and warmed up the way the benchmark does it, the gateway got there in 15 of 53 starts; with
 * pretenuring off, in none of 22 (docs/performance.md, tenth pass).
 *
 * The flag is not free: with neither process in the slow state it cost +2–3 % CPU per request
 * side by side (some site gains from pretenuring). Against ~28 % odds of +20 % for a process's
 * whole life it is the cheaper bet, and every replica behaves the same. The flag is read
 * whenever V8 decides, so setting it at start-up takes effect.
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flag disablePretenuring() sets. */
export const PRETENURING_OFF_FLAG = '--no-allocation-site-pretenuring';

let applied = false;

/** Idempotent. */
export function disablePretenuring(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString(PRETENURING_OFF_FLAG);
}
