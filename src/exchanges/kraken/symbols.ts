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
