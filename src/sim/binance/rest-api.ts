// REST `GET /api/v3/depth` (binance-spot.md §5): snapshots from the same true book and update-id counter as the
// streams, request weight with `x-mbx-used-weight[-1m]` headers, 429 → 418 escalation, and the REST fault knobs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OwnedTimers } from '../owned-timers.ts';
import type { BinanceFaults } from './faults.ts';
import type { MarketFeed } from './market-feed.ts';
import { depthWeight, WeightBudget } from './weight-budget.ts';
import { depthSnapshotBody } from './wire-format.ts';

export interface RestOptions {
  readonly weightLimitPerMinute: number;
  readonly banSeconds: number;
  readonly restLatencyMs: number;
}

/** Steps back in the market's history a stale snapshot is taken from. */
const STALE_STEPS = 5;
const MAX_LIMIT = 5000;

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly retryAfterS?: number;
}

const error = (status: number, code: number, msg: string, retryAfterS?: number): Reply =>
  ({ status, body: JSON.stringify({ code, msg }), retryAfterS });

export class DepthRestApi {
  restRequests = 0;
  private readonly perSymbol = new Map<string, number>();
  private readonly budget: WeightBudget;
  private readonly timers = new OwnedTimers();

  constructor(private readonly feed: MarketFeed, private readonly faults: BinanceFaults, private readonly options: RestOptions) {
    this.budget = new WeightBudget(options.weightLimitPerMinute, options.banSeconds * 1000);
  }

  depthRequests(symbol: string): number {
    const venueSymbol = this.feed.find(symbol)?.instrument.venueSymbol ?? symbol.toUpperCase();
    return this.perSymbol.get(venueSymbol) ?? 0;
  }

  usedWeight(): number {
    return this.budget.used(Date.now());
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' || url.pathname !== '/api/v3/depth') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    this.restRequests++;
    const symbol = url.searchParams.get('symbol') ?? '';
    if (symbol !== '') this.perSymbol.set(symbol, (this.perSymbol.get(symbol) ?? 0) + 1);
    const reply = this.depth(symbol, url.searchParams.get('limit'));
    const send = () => {
      if (response.destroyed) return;
      const used = String(this.budget.used(Date.now()));
      const headers: Record<string, string> = {
        'content-type': 'application/json;charset=UTF-8', 'x-mbx-used-weight': used, 'x-mbx-used-weight-1m': used,
      };
      if (reply.retryAfterS !== undefined) headers['retry-after'] = String(reply.retryAfterS);
      response.writeHead(reply.status, headers).end(reply.body);
    };
    if (this.options.restLatencyMs <= 0) return send();
    this.timers.after(this.options.restLatencyMs, send);
  }

  stop(): void {
    this.timers.clear();
  }

  /** The reply is decided (and the snapshot cut) on arrival; latency only delays delivery. */
  private depth(symbol: string, limitText: string | null): Reply {
    const failure = this.faults.takeRestFailure();
    if (failure !== undefined) return failureReply(failure.status, failure.retryAfterS);
    const limit = limitText === null ? 100 : Number(limitText);
    const validLimit = /^[0-9]{1,20}$/.test(limitText ?? '100') && limit >= 1;
    const now = Date.now();
    const decision = this.budget.charge(depthWeight(validLimit ? Math.min(limit, MAX_LIMIT) : 100), now);
    if (decision.kind === 'limited') {
      return error(429, -1003, `Too much request weight used; current limit is ${this.options.weightLimitPerMinute} request ` +
        'weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.', decision.retryAfterS);
    }
    if (decision.kind === 'banned') {
      return error(418, -1003, `Way too much request weight used; IP banned until ${decision.untilMs}. ` +
        'Please use WebSocket Streams for live updates to avoid bans.', decision.retryAfterS);
    }
    if (symbol === '') return error(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    if (!/^[A-Z0-9-_.]{1,20}$/.test(symbol)) {
      return error(400, -1100, "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.");
    }
    if (!validLimit) return error(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'.");
    const feed = this.feed.find(symbol);
    if (feed === undefined || feed.instrument.venueSymbol !== symbol) return error(400, -1121, 'Invalid symbol.');
    const depth = Math.min(limit, MAX_LIMIT);
    const snapshot = this.faults.takeStaleSnapshot(symbol)
      ? feed.market.pastSnapshot(STALE_STEPS, depth)
      : feed.market.snapshot(depth);
    return { status: 200, body: depthSnapshotBody(snapshot) };
  }
}

function failureReply(status: number, retryAfterS: number | undefined): Reply {
  switch (status) {
    case 429:
      return error(429, -1003, 'Too many requests; current limit of IP is exceeded.', retryAfterS ?? 1);
    case 418:
      return error(418, -1003, 'Way too much request weight used; IP banned. Please use WebSocket Streams for live updates to avoid bans.', retryAfterS ?? 1);
    case 503:
      return error(503, -1001, 'Internal error; unable to process your request. Please try again.', retryAfterS);
    default:
      return error(status, -1000, 'An unknown error occurred while processing the request.', retryAfterS);
  }
}
