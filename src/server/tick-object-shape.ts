/**
 * Keeps `process.nextTick` on V8's fast path for the life of the process.
 *
 * Node's nextTick builds each queued tick as an object literal with two computed symbol keys
 * (`{ [async_id_symbol]: id, [trigger_async_id_symbol]: id, callback, args }`). V8 records, per
 * computed key, the hidden class ("map") the object had before that key was added. Those maps
 * are held weakly: when a full garbage collection runs while no tick object is alive (a tick
 * object lives only until the end of the callback that queued it, so under load too, not only
 * when idle), they die, the next tick builds new ones, and V8 marks those key sites megamorphic
 * for good. From then on every nextTick adds its properties through the runtime
 * (`Runtime_DefineKeyedOwnPropertyInLiteral`) instead of compiled code. A request reaches
 * nextTick ~30 times (Node's streams, its HTTP server, undici), so once it happened it cost ~3 %
 * of the gateway's CPU per JSON request and ~10 % per stream (docs/performance.md, tenth pass).
 * Holding one tick object keeps its map, and through the maps' back pointers the maps of every
 * step before it, alive: the sites stay monomorphic. The cost is one small object.
 *
 * Node 20's tick queue makes the running tick object the current async resource, which is how
 * it is reached here; on a runtime where that is not so, nothing is kept and nothing breaks.
 */
import { executionAsyncResource } from 'node:async_hooks';

let kept: object | undefined;
let requested = false;

/** Keeps one tick object alive (see the module comment). Idempotent; returns at once. */
export function keepTickObjectShape(): void {
  if (requested) return;
  requested = true;
  process.nextTick(() => {
    const resource = executionAsyncResource();
    if (Object.getOwnPropertySymbols(resource).length > 0) kept = resource;
  });
}

/** The tick object kept, once the tick has run; for tests. */
export function keptTickObject(): object | undefined {
  return kept;
}
