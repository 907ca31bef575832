// Console tables for ingest-binance.ts.
import {
  BINANCE_VARIANTS, type BinanceIngestReport, type BinanceVariantId, type GroupSummary, type Scope, type Spread,
} from './ingest-binance-summary.ts';
import { platformLine } from './platform.ts';
import { printTable } from './text-table.ts';

const LABELS: Record<BinanceVariantId, string> = {
  json: '(a) JSON.parse(text)',
  parse: '    parseBinanceFrame',
  session: '    + session.onFrame',
  store: '    + applyVenueEvent → BookStore',
  ingest: '(b) SessionDriver.frame',
};

const f = (n: number | null, digits = 3): string => (n === null ? '–' : n.toFixed(digits));
const times = (n: number | null): string => (n === null ? '–' : `${n.toFixed(2)}×`);
const spread = (s: Spread): string => (s.median === null ? '–' : `${times(s.median)} (rounds ${f(s.min, 2)}–${f(s.max, 2)})`);

function groupTable(g: GroupSummary, log: (line: string) => void): void {
  const json = g.variants.json;
  const over = (n: number | null, base: number | null): string => (n === null || base === null ? '–' : times(n / base));
  printTable([
    ['µs/frame (median round)', 'all frames', 'steady', 'snapshot', 'other', '× (a) all', '× (a) steady'],
    ...BINANCE_VARIANTS.map((id) => {
      const v = g.variants[id];
      return [LABELS[id], f(v.all), f(v.steady), f(v.snapshot, 1), f(v.other), over(v.all, json.all), over(v.steady, json.steady)];
    }),
  ], log);
}

function breakdownTable(g: GroupSummary, log: (line: string) => void): void {
  const share = (n: number | null, scope: 'all' | 'steady'): string => {
    const total = g.variants.ingest[scope];
    return n === null || total === null ? '–' : `${((100 * n) / total).toFixed(0)} %`;
  };
  const rows: [string, keyof GroupSummary['breakdown']['all']][] = [
    ['parse (JSON.parse, shape checks)', 'parse'],
    ['session (update-id bridging, normalized events)', 'session'],
    ['store (apply, truncate, crossed check)', 'store'],
    ['driver (tracker, clocks, metrics, snapshot path)', 'driver'],
  ];
  printTable([
    ['(b) by stage (difference of medians)', 'all µs', 'of (b)', 'steady µs', 'of (b)'],
    ...rows.map(([label, key]) => [label, f(g.breakdown.all[key]), share(g.breakdown.all[key], 'all'),
      f(g.breakdown.steady[key]), share(g.breakdown.steady[key], 'steady')]),
  ], log);
}

export function printBinanceIngestReport(report: BinanceIngestReport, log: (line: string) => void): void {
  const { captures: g } = report;
  log('');
  log(`Binance, real captures (${g.entries.length}): per pass ${g.frames.all} frames = ${g.frames.steady} steady `
    + `(depthUpdate/trade) + ${g.frames.snapshot} REST snapshots + ${g.frames.other} other (streams the gateway does not `
    + 'subscribe: bookTicker, aggTrade, kline)');
  log(`median of ${report.options.rounds} rounds (${report.options.passes} passes each); ${platformLine(report)}`);
  groupTable(g, log);
  log('');
  log(`(b)/(a) all frames       = ${spread(g.ratios.all)}`);
  log(`(b)/(a) steady state     = ${spread(g.ratios.steady)}   ← depthUpdate/trade frames only`);
  log(`(b)/(a) REST snapshots   = ${spread(g.ratios.snapshot)}`);
  log(`(b)/(a) unused streams   = ${spread(g.ratios.other)}`);
  log(`timing loop alone: ${f(g.clockMicrosPerFrame.all)} µs/frame all, ${f(g.clockMicrosPerFrame.steady)} steady `
    + '(one clock read per run of same-class frames; included in every figure above)');
  log('');
  breakdownTable(g, log);
  log('');
  log('per corpus entry (median µs/frame; (b)/(a)):');
  const cell = (s: GroupSummary, scope: Scope): string[] =>
    [f(s.variants.json[scope], scope === 'snapshot' ? 1 : 3), f(s.variants.ingest[scope], scope === 'snapshot' ? 1 : 3),
      times(s.ratios[scope].median)];
  printTable([
    ['entry', 'frames', 'steady', 'snap', 'other', '(a) all', '(b) all', 'all', '(a) steady', '(b) steady', 'steady',
      '(a) snap', '(b) snap', 'snap'],
    ...Object.entries(report.perCorpus).map(([name, s]) => [name.replace(/\.jsonl$/, ''), String(s.frames.all),
      String(s.frames.steady), String(s.frames.snapshot), String(s.frames.other), ...cell(s, 'all'), ...cell(s, 'steady'),
      ...cell(s, 'snapshot')]),
  ], log);
  const sim = report.corpus.find((entry) => entry.source === 'simulator');
  if (sim !== undefined) {
    const s = report.perCorpus[sim.name];
    log('');
    log(`simulator stream (${sim.symbols.join(', ')}, ${(sim.spanMs ?? 0) / 1000} s of market, only the subscribed `
      + `@depth@100ms + @trade streams): steady-state (b)/(a) = ${spread(s.ratios.steady)}, `
      + `${f(s.variants.json.steady)} → ${f(s.variants.ingest.steady)} µs/frame`);
  }
  const v = report.verification;
  log('');
  log(`verified: ${v.passesVerified.toLocaleString('en-US')} session/store/ingest passes, ${v.booksVerified.toLocaleString('en-US')} `
    + `books equal to the expected final top 5 (and level counts), ${v.framesCounted.toLocaleString('en-US')} frames counted, `
    + `${v.ingestFramesInMetrics.toLocaleString('en-US')} in mgw_upstream_frames_received_total`);
}
