// mgw_frame_processing_seconds: the time to parse and apply one upstream frame, observed on every frame.
// prom-client's Histogram hashes the label set on every observe (~0.6 µs, a third of a Kraken frame's own cost),
// so this one histogram counts into plain arrays and writes its Prometheus text exposition at scrape time.
import type { ExchangeId } from '../exchanges/registry.ts';

export const FRAME_TIMING_NAME = 'mgw_frame_processing_seconds';

interface ExchangeTiming {
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

export class FrameTimingHistogram {
  private readonly timings = new Map<ExchangeId, ExchangeTiming>();

  /** `bounds`: ascending upper bounds in seconds (+Inf is implicit). */
  constructor(private readonly bounds: readonly number[], exchanges: readonly ExchangeId[]) {
    for (const exchange of exchanges) {
      this.timings.set(exchange, { buckets: new Float64Array(bounds.length), sum: 0, count: 0 });
    }
  }

  observe(exchange: ExchangeId, seconds: number): void {
    const timing = this.timings.get(exchange);
    if (timing === undefined) return;
    timing.sum += seconds;
    timing.count++;
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && seconds > bounds[index]!) index++;
    if (index < bounds.length) timing.buckets[index]!++;
  }

  /** Count of observations for one exchange (tests, status). */
  count(exchange: ExchangeId): number {
    return this.timings.get(exchange)?.count ?? 0;
  }

  /** Prometheus text format 0.0.4, cumulative buckets, one series per exchange. */
  exposition(): string {
    const lines = [`# HELP ${FRAME_TIMING_NAME} Time to parse and apply one upstream frame.`, `# TYPE ${FRAME_TIMING_NAME} histogram`];
    for (const [exchange, timing] of this.timings) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += timing.buckets[index]!;
        lines.push(`${FRAME_TIMING_NAME}_bucket{le="${bound}",exchange="${exchange}"} ${cumulative}`);
      });
      lines.push(`${FRAME_TIMING_NAME}_bucket{le="+Inf",exchange="${exchange}"} ${timing.count}`);
      lines.push(`${FRAME_TIMING_NAME}_sum{exchange="${exchange}"} ${timing.sum}`);
      lines.push(`${FRAME_TIMING_NAME}_count{exchange="${exchange}"} ${timing.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
