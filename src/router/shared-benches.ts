import type { CooldownTracker } from '../resilience/cooldown.ts';
import type { SharedBench, StateStore } from '../state/state-store.ts';

/**
 * Makes benches cluster-wide: a bench decided here is published to the other instances, and
 * theirs are applied here as if decided locally. Remote benches are applied without being
 * re-published (the tracker does not announce them), so nothing echoes. At start-up and after
 * every reconnect the benches still running are loaded, so a new or returning instance does
 * not send traffic to a deployment the others have benched. Before loading, the benches this
 * instance knows of that still run are published again: a Redis that restarted empty (or
 * failed over to an empty replica) gets them back, and one that kept them ignores them (the
 * bench script never re-announces a bench that is not longer). Nothing here is on the request
 * path: publishing is fire-and-forget and loading runs in the background.
 */
export function shareBenches(
  store: StateStore,
  cooldown: CooldownTracker,
  onRemoteBench: (bench: SharedBench) => void,
): () => void {
  /** Every bench seen here, local or remote, by deployment: its reason, for republishing. */
  const known = new Map<string, string>();
  const offLocal = cooldown.onEvent((event) => {
    if (event.type === 'bench') {
      known.set(event.deploymentId, event.reason);
      store.publishBench({
        deploymentId: event.deploymentId,
        until: event.until,
        reason: event.reason,
      });
    }
  });
  const apply = (bench: SharedBench): void => {
    const before = cooldown.benchedUntil(bench.deploymentId);
    cooldown.applyRemote({ type: 'bench', ...bench });
    known.set(bench.deploymentId, bench.reason);
    if (cooldown.benchedUntil(bench.deploymentId) !== before) onRemoteBench(bench);
  };
  const offRemote = store.onBench(apply);
  const resync = (): void => {
    for (const [deploymentId, reason] of known) {
      const until = cooldown.benchedUntil(deploymentId);
      if (until === undefined) known.delete(deploymentId);
      else store.publishBench({ deploymentId, until, reason });
    }
    store.loadBenches().then(
      (benches) => benches.forEach(apply),
      // The store counts its own errors; the next reconnect resyncs again.
      () => undefined,
    );
  };
  const offStatus = store.onStatus((status) => {
    if (status === 'connected') resync();
  });
  if (store.status() === 'connected') resync();
  return () => {
    offLocal();
    offRemote();
    offStatus();
  };
}
