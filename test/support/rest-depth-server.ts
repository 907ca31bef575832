// A real HTTP server on 127.0.0.1:0 answering `GET /api/v3/depth?symbol=…&limit=…` as scripted per symbol, and
// recording when each request arrived (server clock) and whether the client gave up on it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RestSnapshotSpec } from '../../src/exchanges/types.ts';

export interface DepthReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Never answer (the client times out or aborts). */
  readonly hang?: boolean;
}

export interface ServedRequest {
  readonly at: number;
  readonly symbol: string;
  readonly limit: number;
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
}

export const USED_WEIGHT_HEADER = 'x-mbx-used-weight-1m';

/** A Binance-like spec: weight 5 up to limit 100, else 50; 6000 per minute unless told otherwise. */
export function depthSpec(weightLimit = { perWindow: 6000, windowMs: 60_000 }): RestSnapshotSpec {
  return {
    request: (symbol, limit) => ({ path: `/api/v3/depth?symbol=${symbol.replace('/', '')}&limit=${limit}`,
      weight: limit <= 100 ? 5 : 50 }),
    frame: (_symbol, body) => body,
    usedWeightHeader: USED_WEIGHT_HEADER,
    weightLimit,
  };
}

export function depthBody(symbol: string, lastUpdateId: number): string {
  return JSON.stringify({ lastUpdateId, symbol, bids: [['4.00000000', '431.00000000']], asks: [['4.00000200', '12.00000000']] });
}

export class DepthServer {
  readonly requests: ServedRequest[] = [];
  /** Replies per venue symbol (`BTCUSDT`), used in order; afterwards every request gets 200. */
  readonly script = new Map<string, DepthReply[]>();
  /** Value of the used-weight header on default 200 answers. */
  usedWeight = 10;
  private readonly server: Server;
  private nextUpdateId = 1000;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queue replies for a venue symbol. */
  reply(symbol: string, ...replies: DepthReply[]): void {
    this.script.set(symbol, [...(this.script.get(symbol) ?? []), ...replies]);
  }

  served(symbol: string): ServedRequest[] {
    return this.requests.filter((r) => r.symbol === symbol);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const symbol = url.searchParams.get('symbol') ?? '';
    const served: ServedRequest = { at: Date.now(), symbol, limit: Number(url.searchParams.get('limit')), aborted: false };
    this.requests.push(served);
    res.on('close', () => {
      if (!res.writableFinished) served.aborted = true;
    });
    if (url.pathname !== '/api/v3/depth') {
      res.writeHead(404).end();
      return;
    }
    const reply = this.script.get(symbol)?.shift()
      ?? { status: 200, headers: { [USED_WEIGHT_HEADER]: String(this.usedWeight) }, body: depthBody(symbol, this.nextUpdateId++) };
    if (reply.hang === true) return;
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body ?? '');
  }
}
