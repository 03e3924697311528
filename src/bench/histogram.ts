import hdr from 'hdr-histogram-js';

/** Values are recorded in microseconds: 3 significant digits keep 1 µs resolution up to ~1 ms, 0.1% above. */
const MICROS_PER_MS = 1000;

/**
 * Latencies (or round times) in milliseconds, kept in an HdrHistogram:
 * percentiles come from its buckets, not from sorting samples.
 */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    bitBucketSize: 64,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

  /** Records one duration in milliseconds (rounded to the microsecond; at least 1 µs). */
  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * MICROS_PER_MS)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The value at `percentile` (0-100) in milliseconds; null when nothing was recorded. */
  percentile(percentile: number): number | null {
    if (this.histogram.totalCount === 0) return null;
    return this.histogram.getValueAtPercentile(percentile) / MICROS_PER_MS;
  }

  get maxMs(): number | null {
    return this.histogram.totalCount === 0 ? null : this.histogram.maxValue / MICROS_PER_MS;
  }

  /** Frees the histogram's buffers (a no-op for the JS implementation, required by the WASM one). */
  destroy(): void {
    this.histogram.destroy();
  }
}

/** The median of a few round times (ms), through the same histogram. */
export function medianMs(values: readonly number[]): number | null {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.record(value);
  return histogram.percentile(50);
}
