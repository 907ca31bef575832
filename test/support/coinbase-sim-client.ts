// A raw Coinbase Advanced Trade client for simulator tests: subscribe/unsubscribe one channel per message and read
// the frames back by channel.
import WebSocket from 'ws';
import { RawWsClient } from './raw-ws-client.ts';

export interface CoinbaseFrameJson {
  readonly channel?: string;
  readonly sequence_num?: number;
  readonly type?: string;
  readonly message?: string;
  readonly events?: readonly Record<string, unknown>[];
}

export class CoinbaseSimClient extends RawWsClient {
  static async connect(url: string): Promise<CoinbaseSimClient> {
    return RawWsClient.opened(new CoinbaseSimClient(new WebSocket(url)));
  }

  send(type: 'subscribe' | 'unsubscribe', channel: string, productIds?: readonly string[]): void {
    this.socket.send(JSON.stringify(productIds === undefined ? { type, channel } : { type, product_ids: productIds, channel }));
  }

  /** Frames parsed, optionally only one wire channel's (`l2_data`, `subscriptions`…; `error` for error frames). */
  messages(channel?: string): CoinbaseFrameJson[] {
    const all = this.frames.map((text) => JSON.parse(text) as CoinbaseFrameJson);
    if (channel === undefined) return all;
    return all.filter((frame) => (channel === 'error' ? frame.type === 'error' : frame.channel === channel));
  }
}
