/**
 * Histogram children that count in plain numbers and hand their counts to prom-client when the
 * registry is read (the metric's `collect()`), as pending-counter.ts does for counters: an
 * observation costs a bucket search and three additions, not prom-client's label validation
 * and label hashing, which it repeats on every `observe()` even on a cached child.
 *
 * prom-client has no call that adds a batch of observations, so the flush adds them to the
 * record prom-client itself keeps for the series (`zero()` creates it, with our labels object).
 * pending-histogram.test.ts proves the exposition identical to observing through prom-client.
 */
import type { Histogram } from 'prom-client';

/** One labelled series of a histogram. */
export interface ObservedSeries {
  observe(value: number): void;
}

/** prom-client's record of one series (lib/histogram.js, createBaseValues). */
interface SeriesRecord {
  readonly labels: unknown;
  readonly bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** The part of a prom-client Histogram the flush reads (not in its type declarations). */
interface HistogramInternals {
  readonly hashMap?: Record<string, SeriesRecord>;
}

class PendingSeries implements ObservedSeries {
  /** Observations per bucket since the last flush; those above every bound are in `count` only. */
  readonly pending: Float64Array;
  sum = 0;
  count = 0;
  record: SeriesRecord | undefined;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.pending = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    // Non-finite values are dropped: prom-client would throw, and a metric must not fail a request.
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let slot = 0;
    while (slot < bounds.length && value > bounds[slot]!) slot += 1;
    if (slot < bounds.length) this.pending[slot] = this.pending[slot]! + 1;
    this.sum += value;
    this.count += 1;
  }
}

/** The series of one prom-client histogram whose observations are flushed at scrape time. */
export interface PendingHistogram {
  /** A new series with `labels` (the caller caches it: one per label set). */
  series(labels: Readonly<Record<string, string>>): ObservedSeries;
  /** Moves every pending observation into prom-client; the histogram's `collect()` calls it. */
  flush(): void;
}

export function createPendingHistogram(
  histogram: () => Histogram,
  bounds: readonly number[],
): PendingHistogram {
  const all: PendingSeries[] = [];

  /** prom-client's record for the series, created on its first flush (the gateway never resets). */
  const recordOf = (target: Histogram, series: PendingSeries): SeriesRecord => {
    if (series.record !== undefined) return series.record;
    target.zero(series.labels);
    const records = (target as unknown as HistogramInternals).hashMap ?? {};
    const created = Object.values(records).find((record) => record.labels === series.labels);
    if (created === undefined) {
      throw new Error(
        'prom-client no longer keeps histogram series as pending-histogram.ts expects',
      );
    }
    series.record = created;
    return created;
  };

  return {
    series(labels) {
      const series = new PendingSeries(labels, bounds);
      all.push(series);
      return series;
    },
    flush() {
      const target = histogram();
      for (const series of all) {
        if (series.count === 0) continue;
        const record = recordOf(target, series);
        for (let slot = 0; slot < bounds.length; slot += 1) {
          const counted = series.pending[slot]!;
          if (counted === 0) continue;
          record.bucketValues[bounds[slot]!] = (record.bucketValues[bounds[slot]!] ?? 0) + counted;
          series.pending[slot] = 0;
        }
        record.sum += series.sum;
        record.count += series.count;
        series.sum = 0;
        series.count = 0;
      }
    },
  };
}
