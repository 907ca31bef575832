// Stream-name grammar (binance-spot.md §4). Well-formed names the simulator does not feed are acked and stay
// silent, as Binance does for names of streams that do not exist; malformed ones get `invalid stream`.

/** Streams the simulator produces data for. */
export type FedStreamKind = 'depth' | 'depth@100ms' | 'trade' | 'bookTicker';

export interface ParsedStream {
  readonly name: string;
  /** Lower-case venue symbol (`btcusdt`); empty for `!…@arr` streams. */
  readonly symbol: string;
  /** undefined: well-formed but never fed (aggTrade, kline, tickers, partial depth…). */
  readonly kind: FedStreamKind | undefined;
}

const FED: ReadonlySet<string> = new Set<FedStreamKind>(['depth', 'depth@100ms', 'trade', 'bookTicker']);
const KLINE = '(?:1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M)';
const SYMBOL_STREAM = new RegExp('^([a-z0-9]{2,20})@(trade|aggTrade|bookTicker|depth(?:5|10|20)?(?:@100ms)?|' +
  `kline_${KLINE}(?:@\\+08:00)?|miniTicker|ticker|ticker_(?:1h|4h|1d)|avgPrice|referencePrice|blockTrade)$`);
const MARKET_STREAM = /^!(?:miniTicker|ticker|ticker_(?:1h|4h|1d))@arr$/;

export function parseStreamName(name: string): ParsedStream | undefined {
  if (MARKET_STREAM.test(name)) return { name, symbol: '', kind: undefined };
  const match = SYMBOL_STREAM.exec(name);
  if (match === null) return undefined;
  const channel = match[2] ?? '';
  return { name, symbol: match[1] ?? '', kind: FED.has(channel) ? (channel as FedStreamKind) : undefined };
}

export function streamName(venueSymbol: string, kind: FedStreamKind): string {
  return `${venueSymbol.toLowerCase()}@${kind}`;
}
