// Normalized symbols (`BTC/USD`) ⇄ Coinbase product ids (`BTC-USD`). Frames are keyed by the `product_id` they carry
// (coinbase-advanced.md §2.1: most `-USDC` products are aliases whose market data arrives as `-USD`).

const BASE_QUOTE = /^[A-Z0-9]+\/[A-Z0-9]+$/;
const PRODUCT_ID = /^[A-Z0-9]+-[A-Z0-9]+$/;

/** `BTC/USD` → `BTC-USD`; undefined when the symbol is not `BASE/QUOTE` upper case. */
export function toCoinbaseProduct(symbol: string): string | undefined {
  return BASE_QUOTE.test(symbol) ? symbol.replace('/', '-') : undefined;
}

/** `BTC-USD` → `BTC/USD`; undefined when the id is not `BASE-QUOTE` upper case. */
export function fromCoinbaseProduct(productId: string): string | undefined {
  return PRODUCT_ID.test(productId) ? productId.replace('-', '/') : undefined;
}

/** The configured symbols of one connection and their product ids, both ways. */
export class CoinbaseSymbolTable {
  /** Configured symbols carried, in configuration order, without repeats. */
  readonly symbols: readonly string[];
  /** Product ids of `symbols`, in the same order. */
  readonly productIds: readonly string[];
  /** Configured symbols that are not `BASE/QUOTE` upper case (left out of every request). */
  readonly invalid: readonly string[];
  private readonly bySymbol = new Map<string, string>();
  private readonly byProduct = new Map<string, string>();

  constructor(configured: readonly string[]) {
    const invalid: string[] = [];
    for (const symbol of configured) {
      if (this.bySymbol.has(symbol)) continue;
      const productId = toCoinbaseProduct(symbol);
      if (productId === undefined) {
        invalid.push(symbol);
        continue;
      }
      this.bySymbol.set(symbol, productId);
      this.byProduct.set(productId, symbol);
    }
    this.symbols = [...this.bySymbol.keys()];
    this.productIds = [...this.bySymbol.values()];
    this.invalid = invalid;
  }

  /** `BTC-USD` → `BTC/USD`, or undefined when this connection does not carry it. */
  symbolOf(productId: string): string | undefined {
    return this.byProduct.get(productId);
  }

  /** `BTC/USD` → `BTC-USD`, or undefined when this connection does not carry it. */
  productOf(symbol: string): string | undefined {
    return this.bySymbol.get(symbol);
  }
}
