/**
 * Requests in flight per deployment on this instance: what least-busy and
 * power-of-two-choices read. Counts stay local (a remote instance's load is invisible and
 * changes faster than any sync could carry it).
 */
export interface InFlightCounter {
  /** An attempt on `deploymentId` started. */
  start(deploymentId: string): void;
  /** An attempt ended (for a stream: the stream ended). Never goes below zero. */
  end(deploymentId: string): void;
  count(deploymentId: string): number;
}

export function createInFlightCounter(): InFlightCounter {
  const counts = new Map<string, number>();
  return {
    start(id) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    },
    end(id) {
      const current = counts.get(id) ?? 0;
      if (current <= 1) counts.delete(id);
      else counts.set(id, current - 1);
    },
    count: (id) => counts.get(id) ?? 0,
  };
}
