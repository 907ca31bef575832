// Normalized symbols (`BTC/USDT`) ⇄ Binance names: `BTCUSDT` in payloads and REST, `btcusdt` in stream names.
// Binance names carry no separator, so the way back goes through a table of the configured symbols.

const BASE_QUOTE = /^[A-Z0-9]+\/[A-Z0-9]+$/;

/** `BTC/USDT` → `BTCUSDT`; undefined when the symbol is not `BASE/QUOTE` upper case. */
export function toBinanceSymbol(symbol: string): string | undefined {
  return BASE_QUOTE.test(symbol) ? symbol.replace('/', '') : undefined;
}

/** `BTCUSDT` → `btcusdt`, the form inside stream names. */
export function toStreamSymbol(venueName: string): string {
  return venueName.toLowerCase();
}

/** The configured symbols of one connection and their Binance names, all three ways. */
export class BinanceSymbolTable {
  /** Configured (normalized) symbols carried, in configuration order, without repeats. */
  readonly symbols: readonly string[];
  /** Configured symbols that are not `BASE/QUOTE` upper case (left out of everything). */
  readonly invalid: readonly string[];
  /** Configured symbols whose Binance name another configured symbol already has (`AB/C` vs `A/BC`): left out. */
  readonly ambiguous: readonly string[];
  private readonly byVenueName = new Map<string, string>();
  private readonly byStreamName = new Map<string, string>();
  private readonly venueNames = new Map<string, string>();

  constructor(configured: readonly string[]) {
    const symbols: string[] = [];
    const invalid: string[] = [];
    const ambiguous: string[] = [];
    for (const symbol of configured) {
      if (this.venueNames.has(symbol)) continue;
      const venueName = toBinanceSymbol(symbol);
      if (venueName === undefined) {
        invalid.push(symbol);
      } else if (this.byVenueName.has(venueName)) {
        ambiguous.push(symbol);
      } else {
        symbols.push(symbol);
        this.venueNames.set(symbol, venueName);
        this.byVenueName.set(venueName, symbol);
        this.byStreamName.set(toStreamSymbol(venueName), symbol);
      }
    }
    this.symbols = symbols;
    this.invalid = invalid;
    this.ambiguous = ambiguous;
  }

  /** `BTCUSDT` → `BTC/USDT`, or undefined when this connection does not carry it. */
  symbolOf(venueName: string): string | undefined {
    return this.byVenueName.get(venueName);
  }

  /** `btcusdt` → `BTC/USDT`, or undefined when this connection does not carry it. */
  symbolOfStream(streamSymbol: string): string | undefined {
    return this.byStreamName.get(streamSymbol);
  }

  /** `BTC/USDT` → `BTCUSDT`. */
  venueNameOf(symbol: string): string | undefined {
    return this.venueNames.get(symbol);
  }

  /** `BTC/USDT` → `btcusdt`. */
  streamSymbolOf(symbol: string): string | undefined {
    const venueName = this.venueNames.get(symbol);
    return venueName === undefined ? undefined : toStreamSymbol(venueName);
  }
}
