// Normalized symbols (`BTC/USD`) ⇄ Kraken v2 names. v2 already uses `BASE/QUOTE` with BTC and DOGE, but the
// v1 asset names (XBT, XDG) still leak from REST `AssetPairs.wsname`, and v2 rejects them
// (`Currency pair not supported XBT/USD`), so both directions translate them defensively.

const V1_ASSET_NAMES: ReadonlyMap<string, string> = new Map([
  ['XBT', 'BTC'],
  ['XDG', 'DOGE'],
]);

const BASE_QUOTE = /^[A-Z0-9]+\/[A-Z0-9]+$/;

/** `BASE/QUOTE`, upper case letters and digits. */
export function isBaseQuoteSymbol(symbol: string): boolean {
  return BASE_QUOTE.test(symbol);
}

function withV2AssetNames(symbol: string): string | undefined {
  if (!BASE_QUOTE.test(symbol)) return undefined;
  const slash = symbol.indexOf('/');
  const base = symbol.slice(0, slash);
  const quote = symbol.slice(slash + 1);
  return `${V1_ASSET_NAMES.get(base) ?? base}/${V1_ASSET_NAMES.get(quote) ?? quote}`;
}

/** Kraken name → normalized name (`XBT/USD` → `BTC/USD`); undefined when not `BASE/QUOTE` upper case. */
export function fromKrakenSymbol(venueSymbol: string): string | undefined {
  return withV2AssetNames(venueSymbol);
}

/** Normalized name → the name Kraken v2 accepts; undefined when not `BASE/QUOTE` upper case. */
export function toKrakenSymbol(symbol: string): string | undefined {
  return withV2AssetNames(symbol);
}

/** Normalized names only: a v1 name like XBT/USD would reach bots as a second name for BTC/USD. */
export function krakenSymbolProblem(symbol: string): string | undefined {
  const v2 = toKrakenSymbol(symbol);
  return v2 !== undefined && v2 !== symbol ? `${symbol} uses Kraken's v1 asset name; write ${v2}` : undefined;
}

/** The configured symbols of one connection and their Kraken names, both ways. */
export class KrakenSymbolTable {
  /** Configured symbols that are not `BASE/QUOTE` upper case (left out of every request). */
  readonly invalid: readonly string[];
  private readonly byVenueName = new Map<string, string>();
  private readonly byNormalized = new Map<string, string>();

  constructor(symbols: readonly string[]) {
    const invalid: string[] = [];
    for (const symbol of symbols) {
      const venueName = toKrakenSymbol(symbol);
      if (venueName === undefined) {
        invalid.push(symbol);
      } else {
        this.byVenueName.set(venueName, symbol);
        this.byNormalized.set(symbol, venueName);
      }
    }
    this.invalid = invalid;
  }

  /** Configured (normalized) symbols, in configuration order. */
  get symbols(): string[] {
    return [...this.byNormalized.keys()];
  }

  get venueNames(): string[] {
    return [...this.byNormalized.values()];
  }

  /** The configured symbol for a Kraken name, or undefined when this connection does not carry it. */
  symbolOf(venueName: string): string | undefined {
    return this.byVenueName.get(venueName);
  }

  venueNameOf(symbol: string): string | undefined {
    return this.byNormalized.get(symbol);
  }
}
