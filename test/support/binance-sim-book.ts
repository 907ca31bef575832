// The documented local-book procedure (binance-spot.md §6.3) as a test client: buffer diff events, fetch a REST
// snapshot, bridge, apply; a gap resyncs. Counts everything so tests can assert on what happened, and checks every
// bookTicker whose `u` the book reaches against the rebuilt top of book.
import { OrderBook } from '../../src/book/order-book.ts';
import type { LevelText } from '../../src/core/model.ts';
import type { StreamMessage } from './binance-sim-client.ts';

export interface DepthEventData {
  readonly s: string;
  readonly U: number;
  readonly u: number;
  readonly b: readonly LevelText[];
  readonly a: readonly LevelText[];
}

interface SnapshotData {
  readonly lastUpdateId: number;
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
}

interface Ticker {
  readonly b: string;
  readonly B: string;
  readonly a: string;
  readonly A: string;
}

export class BridgedBook {
  phase: 'buffering' | 'synced' = 'buffering';
  readonly book = new OrderBook();
  id = 0;
  snapshotIds: number[] = [];
  snapshotStatuses: number[] = [];
  /** Snapshots refused because they were older than the first buffered event (§6.1 step 4). */
  refetches = 0;
  gaps = 0;
  resyncs = 0;
  eventsApplied = 0;
  eventsIgnored = 0;
  tickerChecks = 0;
  tickerMismatches = 0;
  private buffer: DepthEventData[] = [];
  private fetching = false;
  private readonly tickers = new Map<number, Ticker[]>();
  /** The `u` of the last event applied (not a snapshot id): bookTickers are checked against events only. */
  private lastApplied: number | undefined;

  constructor(readonly restUrl: string, readonly symbol: string, private readonly limit = 5000) {}

  /** Feed every data message of a connection; messages of other symbols and streams are skipped. */
  onMessage(message: StreamMessage): void {
    const data = message.data;
    if (data.s !== this.symbol) return;
    if (data.e === 'depthUpdate') this.onDepth(data as unknown as DepthEventData);
    else if (data.e === undefined && typeof data.u === 'number' && typeof data.b === 'string') this.onTicker(data.u, data as unknown as Ticker);
  }

  onDepth(event: DepthEventData): void {
    if (this.phase === 'buffering') {
      this.buffer.push(event);
      this.fetchSnapshot();
      return;
    }
    this.apply(event);
  }

  top(depth: number): { bids: LevelText[]; asks: LevelText[] } {
    return { bids: this.book.topLevels('bids', depth), asks: this.book.topLevels('asks', depth) };
  }

  private onTicker(u: number, ticker: Ticker): void {
    if (this.phase === 'synced' && u === this.lastApplied) this.checkTicker(ticker);
    else if (this.phase === 'buffering' || u > this.id) this.tickers.set(u, [...(this.tickers.get(u) ?? []), ticker]);
  }

  private fetchSnapshot(): void {
    if (this.fetching) return;
    this.fetching = true;
    void fetch(`${this.restUrl}/api/v3/depth?symbol=${this.symbol}&limit=${this.limit}`).then(async (response) => {
      const text = await response.text();
      this.fetching = false;
      this.snapshotStatuses.push(response.status);
      if (response.status === 200) this.onSnapshot(JSON.parse(text) as SnapshotData);
    }, () => {
      this.fetching = false;
    });
  }

  private onSnapshot(snapshot: SnapshotData): void {
    if (this.phase !== 'buffering') return;
    this.snapshotIds.push(snapshot.lastUpdateId);
    const first = this.buffer[0];
    if (first === undefined || snapshot.lastUpdateId + 1 < first.U) {
      // Too old for what is buffered: the next buffered event triggers another fetch.
      this.refetches++;
      return;
    }
    this.book.replace(snapshot.bids, snapshot.asks);
    this.id = snapshot.lastUpdateId;
    this.lastApplied = undefined;
    this.phase = 'synced';
    const buffered = this.buffer;
    this.buffer = [];
    for (const event of buffered) {
      if (this.phase !== 'synced') break;
      this.apply(event);
    }
  }

  private apply(event: DepthEventData): void {
    if (event.u <= this.id) {
      this.eventsIgnored++;
      return;
    }
    if (event.U > this.id + 1) {
      this.gaps++;
      this.resync();
      return;
    }
    this.book.apply(event.b, event.a);
    this.id = event.u;
    this.lastApplied = event.u;
    this.eventsApplied++;
    for (const ticker of this.tickers.get(this.id) ?? []) this.checkTicker(ticker);
    for (const u of this.tickers.keys()) if (u <= this.id) this.tickers.delete(u);
  }

  private checkTicker(ticker: Ticker): void {
    this.tickerChecks++;
    const bid = this.book.bids.best();
    const ask = this.book.asks.best();
    const same = (level: LevelText | undefined, price: string, qty: string) =>
      level !== undefined && Number(level[0]) === Number(price) && Number(level[1]) === Number(qty);
    if (!same(bid, ticker.b, ticker.B) || !same(ask, ticker.a, ticker.A)) this.tickerMismatches++;
  }

  private resync(): void {
    this.resyncs++;
    this.phase = 'buffering';
    this.buffer = [];
    this.book.clear();
    this.id = 0;
    this.lastApplied = undefined;
  }
}
