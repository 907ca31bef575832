// Log-scale latency histogram (µs): 50 buckets per decade from 1 µs to 10 s, so percentiles are within ~5 % and
// histograms from several bot processes merge by adding counts.
export const BUCKETS_PER_DECADE = 50;
const DECADES = 7;
export const BUCKET_COUNT = BUCKETS_PER_DECADE * DECADES + 1;

export function bucketOf(micros: number): number {
  if (!(micros > 1)) return 0;
  return Math.min(BUCKET_COUNT - 1, Math.ceil(Math.log10(micros) * BUCKETS_PER_DECADE));
}

/** Upper bound of a bucket, µs. */
export function bucketUpperMicros(bucket: number): number {
  return 10 ** (bucket / BUCKETS_PER_DECADE);
}

export function emptyHistogram(): number[] {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

export function mergeInto(target: number[], source: readonly number[]): void {
  for (let i = 0; i < target.length; i++) target[i]! += source[i] ?? 0;
}

export function total(histogram: readonly number[]): number {
  return histogram.reduce((sum, count) => sum + count, 0);
}

/** The `p`-quantile (0..1), as the upper bound of its bucket, µs; NaN when empty. */
export function percentile(histogram: readonly number[], p: number): number {
  const count = total(histogram);
  if (count === 0) return Number.NaN;
  const rank = Math.ceil(p * count);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return bucketUpperMicros(i);
  }
  return bucketUpperMicros(histogram.length - 1);
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export function percentiles(histogram: readonly number[]): Percentiles {
  const round = (value: number) => Math.round(value);
  let last = 0;
  histogram.forEach((count, index) => {
    if (count > 0) last = index;
  });
  return { count: total(histogram), p50: round(percentile(histogram, 0.5)), p90: round(percentile(histogram, 0.9)),
    p99: round(percentile(histogram, 0.99)), p999: round(percentile(histogram, 0.999)), max: round(bucketUpperMicros(last)) };
}
