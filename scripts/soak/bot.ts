// A soak bot: a real `ws` client of the gateway that follows README.md "Downstream protocol v1" strictly and
// records every breach instead of throwing. Its book code is its own (not src/book), so a bug shared by the
// gateway's store and a bot cannot hide. Per stream: seq = previous + 1, except that a book_snapshot may jump
// ahead (never back); after a non-live status the next book message must be a snapshot.
import WebSocket, { type RawData } from 'ws';

export type Level = [string, string];

export interface BotRole {
  /** Book depth subscribed for every symbol; undefined = no book subscription. */
  readonly depth: number | undefined;
  readonly trades: boolean;
}

/** Six roles cycled over the bots: every depth, with and without trades, and a trades-only bot. */
export const BOT_ROLES: readonly BotRole[] = [
  { depth: 1, trades: true }, { depth: 5, trades: false }, { depth: 10, trades: true },
  { depth: 25, trades: false }, { depth: undefined, trades: true }, { depth: 25, trades: true },
];

export interface ReceivedTrade {
  readonly id: number;
  readonly price: string;
  readonly size: string;
  readonly side: string;
  readonly atMs: number;
}

export interface StatusSeen {
  readonly bot: number;
  readonly symbol: string;
  readonly state: string;
  readonly reason: string;
  readonly atMs: number;
}

interface SymbolView {
  state: string;
  reason: string;
  /** Set by a non-live status; cleared by the next book_snapshot. */
  needsSnapshot: boolean;
  bookSeq: number;
  bids: Level[];
  asks: Level[];
  tradeSeq: number | undefined;
}

interface GatewayMessage {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly symbol?: unknown;
  readonly seq?: unknown;
  readonly depth?: unknown;
  readonly bids?: unknown;
  readonly asks?: unknown;
  readonly state?: unknown;
  readonly reason?: unknown;
  readonly tradeId?: unknown;
  readonly price?: unknown;
  readonly size?: unknown;
  readonly side?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

const MAX_VIOLATIONS_KEPT = 50;
const MAX_STATUSES_KEPT = 500;

function isLevels(value: unknown): value is Level[] {
  return Array.isArray(value) && value.every((level) => Array.isArray(level) && level.length === 2
    && typeof level[0] === 'string' && typeof level[1] === 'string');
}

/** The protocol's rule: apply every level in order (size "0" removes), then keep the best `depth`. */
export function applyLevels(side: 'bids' | 'asks', levels: readonly Level[], changes: readonly Level[], depth: number): Level[] {
  const byPrice = new Map<number, Level>();
  for (const level of levels) byPrice.set(Number(level[0]), level);
  for (const level of changes) {
    if (Number(level[1]) === 0) byPrice.delete(Number(level[0]));
    else byPrice.set(Number(level[0]), level);
  }
  return [...byPrice.entries()].sort((a, b) => (side === 'bids' ? b[0] - a[0] : a[0] - b[0]))
    .slice(0, depth).map(([, level]) => level);
}

export class SoakBot {
  readonly violations: string[] = [];
  violationCount = 0;
  readonly counts: Record<string, number> = {};
  readonly trades = new Map<string, ReceivedTrade[]>();
  /** Non-live statuses since the last `markFault()` (the first few hundred). */
  readonly statuses: StatusSeen[] = [];
  /** `status` `shutting_down` seen (the gateway announced a graceful stop). */
  sawShutdown = false;
  private readonly views = new Map<string, SymbolView>();
  private readonly pendingAcks = new Map<number, () => void>();
  private closing = false;

  private constructor(readonly index: number, readonly role: BotRole, private readonly socket: WebSocket,
    private readonly symbols: readonly string[], private readonly nowMs: () => number) {
    for (const symbol of symbols) {
      this.views.set(symbol, { state: 'live', reason: '', needsSnapshot: role.depth !== undefined, bookSeq: 0, bids: [],
        asks: [], tradeSeq: undefined });
      if (role.trades) this.trades.set(symbol, []);
    }
    socket.on('message', (data: RawData) => this.onMessage(data));
    socket.on('close', (code, reason) => {
      if (!this.closing) this.violation(`connection closed by the gateway: ${code} ${reason.toString()}`);
    });
    socket.on('error', (error) => this.violation(`socket error: ${error.message}`));
  }

  /** Connects and subscribes (book at the role's depth and/or trades) to every symbol; waits for the acks. */
  static async connect(index: number, url: string, exchange: string, symbols: readonly string[], role: BotRole,
    nowMs: () => number, deadlineMs = 5000): Promise<SoakBot> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bot ${index}: no connection within ${deadlineMs} ms`)), deadlineMs);
      socket.once('open', () => { clearTimeout(timer); resolve(); });
      socket.once('error', (error) => { clearTimeout(timer); reject(error); });
    });
    const bot = new SoakBot(index, role, socket, symbols, nowMs);
    const acks: Promise<void>[] = [];
    let id = 0;
    for (const symbol of symbols) {
      if (role.depth !== undefined) acks.push(bot.request({ op: 'subscribe', id: ++id, channel: 'book', exchange, symbol, depth: role.depth }, deadlineMs));
      if (role.trades) acks.push(bot.request({ op: 'subscribe', id: ++id, channel: 'trades', exchange, symbol }, deadlineMs));
    }
    await Promise.all(acks);
    return bot;
  }

  get label(): string {
    return `bot ${this.index} (${this.role.depth === undefined ? 'no book' : `depth ${this.role.depth}`}${this.role.trades ? ', trades' : ''})`;
  }

  markFault(): void {
    this.statuses.length = 0;
  }

  /** The first non-live status since `markFault()`, with `reason` if given. */
  firstStatus(reason?: string): StatusSeen | undefined {
    return this.statuses.find((status) => reason === undefined || status.reason === reason);
  }

  /** The symbol is live for this bot: last status live and, with a book, a snapshot since any non-live status. */
  isLive(symbol: string): boolean {
    const view = this.views.get(symbol);
    return view !== undefined && view.state === 'live' && !view.needsSnapshot;
  }

  allLive(): boolean {
    return this.symbols.every((symbol) => this.isLive(symbol));
  }

  book(symbol: string): { bids: Level[]; asks: Level[] } | undefined {
    const view = this.views.get(symbol);
    return view === undefined || this.role.depth === undefined ? undefined : { bids: view.bids, asks: view.asks };
  }

  lastTradeId(symbol: string): number | undefined {
    return this.trades.get(symbol)?.at(-1)?.id;
  }

  /** The gateway is about to stop: its close is expected. */
  expectClose(): void {
    this.closing = true;
  }

  close(): void {
    this.closing = true;
    this.socket.close();
  }

  private request(message: { id: number } & Record<string, unknown>, deadlineMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: no ack for ${JSON.stringify(message)}`)), deadlineMs);
      this.pendingAcks.set(message.id, () => { clearTimeout(timer); resolve(); });
      this.socket.send(JSON.stringify(message));
    });
  }

  private violation(text: string): void {
    this.violationCount++;
    if (this.violations.length < MAX_VIOLATIONS_KEPT) this.violations.push(`${this.label}: ${text}`);
  }

  private onMessage(data: RawData): void {
    const atMs = this.nowMs();
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      this.violation('a frame that is not JSON');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      this.violation('a frame that is not a JSON object');
      return;
    }
    const message = parsed as GatewayMessage;
    const type = String(message.type);
    this.counts[type] = (this.counts[type] ?? 0) + 1;
    if (type === 'ack') {
      if (typeof message.id === 'number') this.pendingAcks.get(message.id)?.();
      return;
    }
    if (type === 'error') {
      this.violation(`error ${String(message.code)}: ${String(message.message)}`);
      return;
    }
    const symbol = typeof message.symbol === 'string' ? message.symbol : '';
    const view = this.views.get(symbol);
    if (type === 'status') return this.onStatus(symbol, view, message, atMs);
    if (view === undefined) {
      if (type !== 'pong') this.violation(`${type} for a symbol not subscribed: ${data.toString().slice(0, 120)}`);
      return;
    }
    if (type === 'book_snapshot' || type === 'book_update') this.onBook(symbol, view, type, message);
    else if (type === 'trade') this.onTrade(symbol, view, message, atMs);
    else this.violation(`unknown message type ${type}`);
  }

  private onStatus(symbol: string, view: SymbolView | undefined, message: GatewayMessage, atMs: number): void {
    const state = String(message.state);
    if (state === 'shutting_down') {
      this.sawShutdown = true;
      return;
    }
    if (view === undefined) {
      this.violation(`status for a symbol not subscribed: ${symbol}`);
      return;
    }
    view.state = state;
    view.reason = String(message.reason ?? '');
    if (state === 'live') return;
    if (this.role.depth !== undefined) view.needsSnapshot = true;
    if (this.statuses.length < MAX_STATUSES_KEPT) this.statuses.push({ bot: this.index, symbol, state, reason: view.reason, atMs });
  }

  private onBook(symbol: string, view: SymbolView, type: string, message: GatewayMessage): void {
    const depth = this.role.depth;
    const seq = message.seq;
    if (depth === undefined) return this.violation(`${type} without a book subscription (${symbol})`);
    if (typeof seq !== 'number' || !isLevels(message.bids) || !isLevels(message.asks)) {
      return this.violation(`malformed ${type} for ${symbol}`);
    }
    if (type === 'book_snapshot') {
      if (message.depth !== depth) this.violation(`${symbol} snapshot depth ${String(message.depth)}, subscribed ${depth}`);
      if (view.bookSeq !== 0 && seq <= view.bookSeq) this.violation(`${symbol} snapshot seq ${seq} after ${view.bookSeq} (went back)`);
      if (view.state !== 'live') this.violation(`${symbol} book_snapshot while the last status was ${view.state}/${view.reason}`);
      view.bids = applyLevels('bids', [], message.bids, depth);
      view.asks = applyLevels('asks', [], message.asks, depth);
      if (view.bids.length !== message.bids.length || view.asks.length !== message.asks.length) {
        this.violation(`${symbol} snapshot with duplicate prices or more than ${depth} levels`);
      }
      view.bookSeq = seq;
      view.needsSnapshot = false;
      return;
    }
    if (view.needsSnapshot) this.violation(`${symbol} book_update seq ${seq} before a snapshot (last status ${view.state}/${view.reason})`);
    else if (seq !== view.bookSeq + 1) this.violation(`${symbol} book seq gap: ${view.bookSeq} → ${seq}`);
    view.bookSeq = seq;
    view.bids = applyLevels('bids', view.bids, message.bids, depth);
    view.asks = applyLevels('asks', view.asks, message.asks, depth);
  }

  private onTrade(symbol: string, view: SymbolView, message: GatewayMessage, atMs: number): void {
    const list = this.trades.get(symbol);
    const seq = message.seq;
    if (list === undefined) return this.violation(`trade without a trades subscription (${symbol})`);
    if (typeof seq !== 'number') return this.violation(`trade without seq (${symbol})`);
    if (view.tradeSeq !== undefined && seq !== view.tradeSeq + 1) this.violation(`${symbol} trade seq gap: ${view.tradeSeq} → ${seq}`);
    view.tradeSeq = seq;
    list.push({ id: Number(message.tradeId), price: String(message.price), size: String(message.size),
      side: String(message.side), atMs });
  }
}
