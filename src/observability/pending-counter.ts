/**
 * Counter children that count in a plain number and hand the count to prom-client when the
 * registry is read (the metric's `collect()`), so a request costs an increment, not
 * prom-client's label hashing and validation, which it repeats on every `inc()` even on a
 * cached child. Exposition is unchanged: a series appears once it has been counted, with the
 * same labels and value prom-client would have shown.
 */
import type { Counter } from 'prom-client';

/** One labelled series of a counter; `inc()` adds 1. */
export interface CountedSeries {
  inc(): void;
}

class PendingSeries implements CountedSeries {
  pending = 0;

  constructor(readonly labels: Readonly<Record<string, string>>) {}

  inc(): void {
    this.pending += 1;
  }
}

/** The series of one prom-client counter whose counts are flushed at scrape time. */
export interface PendingCounter {
  /** A new series with `labels` (the caller caches it: one per label set). */
  series(labels: Readonly<Record<string, string>>): CountedSeries;
  /** Moves every pending count into prom-client; the counter's `collect()` calls it. */
  flush(): void;
}

export function createPendingCounter(counter: () => Counter): PendingCounter {
  const all: PendingSeries[] = [];
  return {
    series(labels) {
      const series = new PendingSeries(labels);
      all.push(series);
      return series;
    },
    flush() {
      const target = counter();
      for (const series of all) {
        if (series.pending === 0) continue;
        target.inc(series.labels, series.pending);
        series.pending = 0;
      }
    },
  };
}
