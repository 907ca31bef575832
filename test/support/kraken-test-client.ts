// A minimal Kraken v2 client for simulator and replay tests: records every frame, keeps each subscribed book the
// way kraken-v2.md §4.3 says (apply in order, truncate to the subscribed depth, verify the CRC over the top 10).
import WebSocket from 'ws';
import { OrderBook } from '../../src/book/order-book.ts';
import { krakenChecksum } from '../../src/exchanges/kraken/checksum.ts';
import { isRecord } from '../../src/sim/json-value.ts';
import { frameKind, readBookFrame } from '../../src/sim/kraken/wire-read.ts';
import { RawWsClient } from './raw-ws-client.ts';

export interface TrackedBook {
  readonly book: OrderBook;
  depth: number;
  snapshots: number;
  updates: number;
  checksumMatches: number;
  checksumMismatches: number;
}

export class KrakenTestClient extends RawWsClient {
  readonly books = new Map<string, TrackedBook>();
  /** Protocol surprises (unreadable book frame, book data before its ack). */
  readonly errors: string[] = [];
  private nextReqId = 1000;

  static async connect(url: string): Promise<KrakenTestClient> {
    return RawWsClient.opened(new KrakenTestClient(new WebSocket(url)));
  }

  send(request: object): void {
    this.socket.send(JSON.stringify(request));
  }

  subscribe(channel: string, symbols: string[] | undefined, extra: Record<string, unknown> = {}, reqId?: number): void {
    const params = symbols === undefined ? { channel, ...extra } : { channel, symbol: symbols, ...extra };
    this.send(reqId === undefined ? { method: 'subscribe', params } : { method: 'subscribe', params, req_id: reqId });
  }

  unsubscribe(channel: string, symbols: string[], extra: Record<string, unknown> = {}, reqId?: number): void {
    const params = { channel, symbol: symbols, ...extra };
    this.send(reqId === undefined ? { method: 'unsubscribe', params } : { method: 'unsubscribe', params, req_id: reqId });
  }

  /** Frames are ordered: once the pong is here, everything sent before it has been processed. */
  async roundTrip(timeoutMs = 5000): Promise<void> {
    const reqId = this.nextReqId++;
    this.send({ method: 'ping', req_id: reqId });
    await this.waitForFrame((frame) => frame.startsWith(`{"method":"pong","req_id":${reqId},`), timeoutMs);
  }

  ofKind(kind: string): string[] {
    return this.frames.filter((frame) => frameKind(frame) === kind);
  }

  tracked(symbol: string): TrackedBook {
    const tracked = this.books.get(symbol);
    if (tracked === undefined) throw new Error(`no book tracked for ${symbol}`);
    return tracked;
  }

  updates(symbol: string): number {
    return this.books.get(symbol)?.updates ?? 0;
  }

  protected override onFrame(text: string): void {
    super.onFrame(text);
    const kind = frameKind(text);
    if (kind === 'subscribe') this.onAck(text);
    if (kind !== 'book:snapshot' && kind !== 'book:update') return;
    const frame = readBookFrame(text);
    const tracked = frame === undefined ? undefined : this.books.get(frame.symbol);
    if (frame === undefined || tracked === undefined) {
      this.errors.push(`book frame without a readable shape or an ack: ${text.slice(0, 200)}`);
      return;
    }
    if (frame.type === 'snapshot') {
      tracked.book.replace(frame.bids, frame.asks);
      tracked.snapshots++;
    } else {
      tracked.book.apply(frame.bids, frame.asks);
      tracked.updates++;
    }
    tracked.book.truncate(tracked.depth);
    if (krakenChecksum(tracked.book) === frame.checksum) tracked.checksumMatches++;
    else tracked.checksumMismatches++;
  }

  private onAck(text: string): void {
    const ack: unknown = JSON.parse(text);
    if (!isRecord(ack) || !isRecord(ack.result) || ack.result.channel !== 'book') return;
    const { symbol, depth } = ack.result;
    if (typeof symbol !== 'string' || typeof depth !== 'number') return;
    const tracked = this.books.get(symbol);
    if (tracked !== undefined) tracked.depth = depth;
    else this.books.set(symbol, { book: new OrderBook(), depth, snapshots: 0, updates: 0, checksumMatches: 0, checksumMismatches: 0 });
  }
}
