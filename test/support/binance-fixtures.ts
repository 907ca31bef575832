// Readers for the Binance fixtures in test/fixtures/binance (formats in its SOURCES.md). Frame and REST body
// text comes back verbatim (`raw`), never re-stringified.
import { readFileSync, readdirSync } from 'node:fs';
import { binanceRestSnapshot } from '../../src/exchanges/binance/spec.ts';

export const BINANCE_FIXTURES = new URL('../fixtures/binance/', import.meta.url);

export interface CaptureLine {
  /** 1-based line number in the file (the numbering of `*.expected.json`). */
  readonly line: number;
  readonly src: 'ws-open' | 'ws' | 'rest';
  readonly raw?: string;
  readonly url?: string;
}

/** `capture-*.jsonl` names, sorted. */
export function listCaptures(): string[] {
  return readdirSync(BINANCE_FIXTURES).filter((name) => name.startsWith('capture-') && name.endsWith('.jsonl')).sort();
}

export function readFixture(name: string): string {
  return readFileSync(new URL(name, BINANCE_FIXTURES), 'utf8');
}

/** Non-empty lines of a fixture file, verbatim. */
export function readFixtureLines(name: string): string[] {
  return readFixture(name).split('\n').filter((line) => line.length > 0);
}

/** A capture in the recorder format: `{"recv_ts":…,"src":"ws"|"rest"|"ws-open",["url":…],["raw":…]}`. */
export function readCapture(name: string): CaptureLine[] {
  return readFixtureLines(name).map((text, index) => ({ ...(JSON.parse(text) as Omit<CaptureLine, 'line'>), line: index + 1 }));
}

export interface ExpectedSymbol {
  readonly snapshot_line: number;
  readonly snapshot_lastUpdateId: number;
  readonly snapshot_levels: { readonly bids: number; readonly asks: number };
  readonly events_buffered_before_snapshot: number;
  readonly buffered_events_discarded: number;
  readonly first_applied_event: { readonly line: number; readonly U: number; readonly u: number };
  readonly events_applied: number;
  readonly events_ignored_after_sync: number;
  readonly final_update_id: number;
  readonly final_levels: { readonly bids: number; readonly asks: number };
  readonly final_top5_bids: [string, string][];
  readonly final_top5_asks: [string, string][];
  readonly bookTicker_messages_with_u_equal_to_an_applied_event_u: number;
  readonly of_which_top_of_book_matches: number;
}

export function readExpected(captureName: string): Record<string, ExpectedSymbol> {
  const name = captureName.replace(/\.jsonl$/, '.expected.json');
  return (JSON.parse(readFixture(name)) as { symbols: Record<string, ExpectedSymbol> }).symbols;
}

/** Quote assets of the fixtures' symbols; the longest matching suffix wins (`AAVEUPUSDT` → `AAVEUP/USDT`). */
const QUOTES = ['USDT', 'BUSD', 'USD', 'EUR', 'TRY', 'RUB', 'BTC', 'ETH', 'BNB'];

export function normalizedSymbol(venueName: string): string {
  const quote = QUOTES.filter((each) => venueName.endsWith(each) && venueName.length > each.length)
    .sort((a, b) => b.length - a.length)[0];
  if (quote === undefined) throw new Error(`no known quote asset in ${venueName}`);
  return `${venueName.slice(0, -quote.length)}/${quote}`;
}

/** The venue symbol of a REST depth URL (`…/depth?symbol=NKNUSDT&limit=1000` → `NKNUSDT`). */
export function restSymbol(url: string): string {
  const symbol = new URL(url).searchParams.get('symbol');
  if (symbol === null) throw new Error(`no symbol= in ${url}`);
  return symbol;
}

/** What the session receives for a capture line: the WS frame, or the REST body in its synthetic snapshot frame. */
export function sessionFrame(line: CaptureLine): string | undefined {
  if (line.src === 'ws') return line.raw!;
  if (line.src === 'rest') return binanceRestSnapshot.frame(normalizedSymbol(restSymbol(line.url!)), line.raw!);
  return undefined;
}

export interface DocsExamples {
  readonly examples: Record<string, unknown>;
  readonly templates: readonly { readonly message_template: string; readonly meaning: string }[];
}

export function readDocsExamples(): DocsExamples {
  const docs = JSON.parse(readFixture('docs-examples.json')) as Record<string, unknown>;
  const templates = Object.entries(docs).find(([key]) => key.startsWith('stream_control_error_templates'))![1];
  return { examples: docs.examples as Record<string, unknown>, templates: templates as DocsExamples['templates'] };
}

/**
 * The nested error frames observed on the wire (many client test suites; see src/exchanges/binance/README.md). The
 * venue documents the flat form; these are what it sends.
 */
export function observedErrorFrames(): string[] {
  return [
    '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":1}',
    '{"error":{"code":2,"msg":"Invalid request: missing field `method` at line 4 column 1"},"id":3}',
    '{"error":{"code":4,"msg":"Too many subscriptions"},"id":1}',
    '{"error":{"code":2,"msg":"Invalid request"},"id":null}',
  ];
}

/**
 * NKNUSDT in the 2021-10-12 spot capture: the real REST snapshot (lastUpdateId 499869752, as its synthetic session
 * frame) and the real diffs in arrival order (U–u 499869750–752, 753–754, 755–757, 758–759, …): a snapshot and diffs
 * from one id space, for bridging rules without re-labelling anything.
 */
export function nknPair(): { readonly snapshot: string; readonly lastUpdateId: number; readonly diffs: readonly string[] } {
  const lines = readCapture('capture-2021-10-12-spot-4sym.jsonl');
  const rest = lines.find((line) => line.src === 'rest' && restSymbol(line.url!) === 'NKNUSDT')!;
  const diffs = lines.filter((line) => line.src === 'ws' && line.raw!.includes('"e":"depthUpdate"') && line.raw!.includes('"s":"NKNUSDT"'))
    .map((line) => line.raw!);
  return { snapshot: sessionFrame(rest)!, lastUpdateId: (JSON.parse(rest.raw!) as { lastUpdateId: number }).lastUpdateId, diffs };
}
