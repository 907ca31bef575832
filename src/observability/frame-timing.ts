// Histograms observed on the hot path (mgw_frame_processing_seconds on every frame, mgw_publish_latency_seconds on
// every publish): prom-client's Histogram hashes the label set on every observe (~0.6 µs, a third of a Kraken
// frame's own cost), so these count into plain arrays per exchange and write their Prometheus text exposition at
// scrape time. An empty exchange list gives one series without the label (event-loop delay).
import type { ExchangeId } from '../exchanges/registry.ts';

export const FRAME_TIMING_NAME = 'mgw_frame_processing_seconds';

export interface HistogramName {
  readonly name: string;
  readonly help: string;
}

const FRAME_TIMING: HistogramName = { name: FRAME_TIMING_NAME, help: 'Time to parse and apply one upstream frame.' };
const NO_LABEL = '';

interface ExchangeTiming {
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

export class FrameTimingHistogram {
  private readonly timings = new Map<ExchangeId, ExchangeTiming>();

  /** `bounds`: ascending upper bounds in seconds (+Inf is implicit). */
  constructor(private readonly bounds: readonly number[], exchanges: readonly ExchangeId[],
    private readonly metric: HistogramName = FRAME_TIMING) {
    for (const exchange of exchanges.length === 0 ? [NO_LABEL as ExchangeId] : exchanges) {
      this.timings.set(exchange, { buckets: new Float64Array(bounds.length), sum: 0, count: 0 });
    }
  }

  /** The single series of a histogram made without exchanges. */
  observeOne(seconds: number): void {
    this.observe(NO_LABEL as ExchangeId, seconds);
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
    const { name, help } = this.metric;
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    for (const [exchange, timing] of this.timings) {
      const label = (exchange as string) === NO_LABEL ? '' : `exchange="${exchange}"`;
      const braces = label === '' ? '' : `{${label}}`;
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += timing.buckets[index]!;
        lines.push(`${name}_bucket{le="${bound}"${label === '' ? '' : `,${label}`}} ${cumulative}`);
      });
      lines.push(`${name}_bucket{le="+Inf"${label === '' ? '' : `,${label}`}} ${timing.count}`);
      lines.push(`${name}_sum${braces} ${timing.sum}`);
      lines.push(`${name}_count${braces} ${timing.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
