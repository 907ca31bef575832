// The gateway's /metrics text as the soak reads it: one scrape is a list of samples; two scrapes give deltas.
// Only what the soak needs of the Prometheus text format (no timestamps, simple label values).

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export class MetricsScrape {
  constructor(readonly samples: readonly Sample[], readonly atMs: number) {}

  static parse(text: string, atMs: number): MetricsScrape {
    const samples: Sample[] = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = SAMPLE_LINE.exec(line);
      if (match === null) continue;
      const labels: Record<string, string> = {};
      for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1]!] = label[2]!.replace(/\\(.)/g, '$1');
      samples.push({ name: match[1]!, labels, value: Number(match[3]) });
    }
    return new MetricsScrape(samples, atMs);
  }

  /** Sum over every sample of `name` whose labels include `where`. */
  sum(name: string, where: Readonly<Record<string, string>> = {}): number {
    let total = 0;
    for (const sample of this.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(where).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
    }
    return total;
  }

  /** `name` summed per value of one label. */
  byLabel(name: string, label: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const sample of this.samples) {
      if (sample.name !== name) continue;
      const key = sample.labels[label] ?? '';
      out[key] = (out[key] ?? 0) + sample.value;
    }
    return out;
  }
}

/** Non-zero differences `after - before` per label value. */
export function labelDelta(before: MetricsScrape, after: MetricsScrape, name: string, label: string): Record<string, number> {
  const was = before.byLabel(name, label);
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after.byLabel(name, label))) {
    const delta = value - (was[key] ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
}

/** The metric deltas recorded per fault. */
export interface FaultMetricDeltas {
  readonly checksumMismatches: number;
  readonly resyncs: Record<string, number>;
  readonly reconnects: Record<string, number>;
  readonly handshakeRejections: Record<string, number>;
  readonly connectBudgetWaits: number;
  readonly tradesDeduplicated: number;
  /** REST snapshot requests answered, by status ("network": no answer). */
  readonly restRequests: Record<string, number>;
  /** REST answers that paused every request (429, 418). */
  readonly restRateLimited: Record<string, number>;
  /** Finished make-before-break rotations, by outcome (handed_over, timed_out). */
  readonly rotations: Record<string, number>;
}

export function faultDeltas(before: MetricsScrape, after: MetricsScrape): FaultMetricDeltas {
  const diff = (name: string): number => after.sum(name) - before.sum(name);
  return {
    checksumMismatches: diff('mgw_book_checksum_mismatches_total'),
    resyncs: labelDelta(before, after, 'mgw_book_resyncs_total', 'reason'),
    reconnects: labelDelta(before, after, 'mgw_upstream_reconnects_total', 'reason'),
    handshakeRejections: labelDelta(before, after, 'mgw_upstream_handshake_rejections_total', 'status'),
    connectBudgetWaits: diff('mgw_connect_budget_waits_total'),
    tradesDeduplicated: diff('mgw_trades_deduplicated_total'),
    restRequests: labelDelta(before, after, 'mgw_rest_snapshot_requests_total', 'status'),
    restRateLimited: labelDelta(before, after, 'mgw_rest_rate_limited_total', 'status'),
    rotations: labelDelta(before, after, 'mgw_upstream_rotations_total', 'outcome'),
  };
}

export function totalOf(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, value) => sum + value, 0);
}

/** The gateway process's health figures (prom-client default metrics, mgw_ prefix). */
export interface ProcessSample {
  readonly atMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** p99 event-loop delay since the previous scrape (prom-client resets its histogram on every scrape). */
  readonly eventLoopLagP99Ms: number;
  readonly eventLoopLagMaxMs: number;
}

export function processSample(scrape: MetricsScrape): ProcessSample {
  return {
    atMs: scrape.atMs,
    rssBytes: scrape.sum('process_resident_memory_bytes'),
    heapUsedBytes: scrape.sum('nodejs_heap_size_used_bytes'),
    eventLoopLagP99Ms: scrape.sum('nodejs_eventloop_lag_p99_seconds') * 1000,
    eventLoopLagMaxMs: scrape.sum('nodejs_eventloop_lag_max_seconds') * 1000,
  };
}
