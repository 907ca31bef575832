// Console tables for ingest.ts.
import type { IngestBenchReport, VariantId } from './ingest-types.ts';
import { platformLine } from './platform.ts';
import { printTable } from './text-table.ts';

const LABELS: Record<VariantId, string> = {
  json: '(a) JSON.parse(text)',
  parse: '    parseKrakenFrame',
  session: '    + session.onFrame',
  store: '    + applyVenueEvent → BookStore',
  ingest: '(b) SessionDriver.frame',
  fanout: '(c) (b) + Fanout flush',
};

export function printIngestReport(report: IngestBenchReport, log: (line: string) => void): void {
  const f = (n: number, digits = 3): string => n.toFixed(digits);
  const json = report.variants.find((v) => v.id === 'json')!.microsPerFrame;
  log('');
  log(`median of ${report.options.rounds} rounds (${report.options.passes} passes each); ${platformLine(report)}`);
  printTable([
    ['variant', 'µs/frame', 'rounds min–max', 'frames/s', '× (a)'],
    ...report.variants.map((v) => [
      LABELS[v.id], f(v.microsPerFrame), `${f(Math.min(...v.roundsMicrosPerFrame))}–${f(Math.max(...v.roundsMicrosPerFrame))}`,
      Math.round(v.framesPerSecond).toLocaleString('en-US'), `${f(v.microsPerFrame / json, 2)}×`,
    ]),
  ], log);
  const { ratios, breakdown } = report;
  const ingest = report.variants.find((v) => v.id === 'ingest')!.microsPerFrame;
  log('');
  log(`(b)/(a) = ${f(ratios.ingestOverJson, 2)}× (rounds ${f(ratios.ingestOverJsonRounds.min, 2)}–`
    + `${f(ratios.ingestOverJsonRounds.max, 2)}), target ≤ ${ratios.target}×: `
    + `${ratios.withinTarget ? 'within target' : 'ABOVE TARGET'}`);
  log(`(c)/(a) = ${f(ratios.fanoutOverJson, 2)}× (rounds ${f(ratios.fanoutOverJsonRounds.min, 2)}–`
    + `${f(ratios.fanoutOverJsonRounds.max, 2)})`);
  log('');
  log('(b) by stage (difference of medians), µs/frame:');
  const share = (n: number): string => `${f((100 * n) / ingest, 0)} %`;
  printTable([
    ['stage', 'µs/frame', 'of (b)'],
    ['parse (quote number tokens, JSON.parse, shape checks)', f(breakdown.parse), share(breakdown.parse)],
    ['session (wire → normalized events)', f(breakdown.session), share(breakdown.session)],
    ['store (apply, truncate, crossed check, CRC32)', f(breakdown.store), share(breakdown.store)],
    ['driver (tracker, Date.now, performance.now, metrics)', f(breakdown.driver), share(breakdown.driver)],
    ['fan-out on top of (b): diff, serialize, send', f(breakdown.fanout), ''],
  ], log);
  log('');
  log('per capture (median µs/frame):');
  printTable([
    ['capture', 'frames', 'book msgs', '(a)', '(b)', '(b)/(a)', '(c)', '(c)/(a)'],
    ...report.corpus.map((c) => {
      const at = (id: VariantId): number => report.variants.find((v) => v.id === id)!.perCapture[c.file];
      return [`${c.symbol} d${c.depth} (${c.file.split('_')[0]})`, String(c.frames), String(c.bookMessages),
        f(at('json')), f(at('ingest')), `${f(at('ingest') / at('json'), 2)}×`, f(at('fanout')),
        `${f(at('fanout') / at('json'), 2)}×`];
    }),
  ], log);
  log('');
  const { checksums, fanout } = report;
  log(`checksums: ${checksums.perPass} per pass over the corpus, ${checksums.verifiedInTimedPasses.toLocaleString('en-US')} `
    + `verified in timed passes, ${checksums.mismatches} mismatches (100 % matched)`);
  log(`fan-out: ${fanout.clients} clients × (book depth ${fanout.bookDepth} + trades); per client per corpus pass `
    + `${Math.round(fanout.framesPerClientPerPass)} frames, ${Math.round(fanout.bytesPerClientPerPass).toLocaleString('en-US')} B; `
    + 'flush after every frame');
}
