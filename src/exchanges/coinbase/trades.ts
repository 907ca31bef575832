// `market_trades` events → normalized trades. Coinbase's `side` is the maker's (coinbase-advanced.md §3.3, gotcha 4):
// the taker, which bots get on every venue, took the other side. An update batches ~250 ms of trades, possibly for
// several products; the snapshot on (re)subscribe lists the product's last 100 trades newest first, forwarded oldest
// first when the gateway asks for trade snapshots (the store drops the ones it has already seen).
import type { NormalizedTrade } from '../../core/model.ts';
import { reportAction } from '../session-output.ts';
import type { SessionOutput } from '../types.ts';
import type { CoinbaseTrade, CoinbaseTradesEvent } from './messages.ts';
import type { CoinbaseSubscriptions } from './subscriptions.ts';
import type { CoinbaseSymbolTable } from './symbols.ts';

export class CoinbaseTrades {
  private readonly strangers = new Set<string>();

  constructor(private readonly table: CoinbaseSymbolTable, private readonly subscriptions: CoinbaseSubscriptions,
    private readonly forwardSnapshots: boolean) {}

  onEvent(event: CoinbaseTradesEvent, out: SessionOutput): void {
    const snapshot = event.type === 'snapshot';
    if (!snapshot && event.type !== 'update') {
      out.actions.push(reportAction('debug', 'unknown_message', `coinbase market_trades event type "${event.type}" ignored`));
      return;
    }
    const trades = snapshot ? [...event.trades].reverse() : event.trades;
    let symbol: string | undefined;
    let batch: NormalizedTrade[] = [];
    for (const trade of trades) {
      const tradeSymbol = this.symbolOf(trade.product_id, out);
      if (tradeSymbol === undefined) continue;
      if (tradeSymbol !== symbol) {
        symbol = tradeSymbol;
        this.subscriptions.confirmByData('market_trades', trade.product_id, out);
        if (snapshot && !this.forwardSnapshots) continue;
        batch = [];
        out.events.push({ type: 'trades', symbol, trades: batch, snapshot });
      }
      if (!snapshot || this.forwardSnapshots) batch.push(toTrade(trade));
    }
  }

  private symbolOf(productId: string, out: SessionOutput): string | undefined {
    const symbol = this.table.symbolOf(productId);
    if (symbol === undefined && !this.strangers.has(productId)) {
      this.strangers.add(productId);
      out.actions.push(reportAction('warn', 'unexpected_symbol',
        `coinbase sent market_trades data for ${productId}, which this connection did not subscribe`));
    }
    return symbol;
  }
}

export function toTrade(trade: CoinbaseTrade): NormalizedTrade {
  return { tradeId: trade.trade_id, price: trade.price, size: trade.size, side: trade.side === 'BUY' ? 'sell' : 'buy',
    exchangeTime: trade.time };
}
