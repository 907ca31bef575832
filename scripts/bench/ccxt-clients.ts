// Child process of vs-ccxt.ts: N ccxt pro `binance` clients, each running watchOrderBook on every symbol against the
// Binance simulator (its /ws endpoint and REST depth), the way a trader's bot uses ccxt today. Reports `ready` once
// every client holds every book, then counts the updates each resolves until told to stop.
import { createRequire } from 'node:module';

interface Options {
  readonly cacheDir: string;
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly clients: number;
  readonly symbols: readonly string[];
}

interface OrderBookLike {
  readonly bids: readonly unknown[];
}

interface CcxtClient {
  urls: { api: { ws: { spot: string }; public: string } };
  setMarkets(markets: readonly Record<string, unknown>[]): void;
  loadHttpProxyAgent(): Promise<unknown>;
  watchOrderBook(symbol: string): Promise<OrderBookLike>;
  close(): Promise<void>;
}

type CcxtModule = { pro: { binance: new (config: Record<string, unknown>) => CcxtClient } };

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const ccxt = createRequire(`${options.cacheDir}/`)('ccxt') as CcxtModule;
let updates = 0;
let stopped = false;
let ready = 0;

function market(symbol: string): Record<string, unknown> {
  const [base, quote] = symbol.split('/') as [string, string];
  return { id: `${base}${quote}`, lowercaseId: `${base}${quote}`.toLowerCase(), symbol, base, quote, baseId: base, quoteId: quote, type: 'spot', spot: true, active: true,
    precision: { amount: 1e-8, price: 1e-8 }, limits: {}, info: {} };
}

async function watch(client: CcxtClient, symbol: string): Promise<void> {
  let first = true;
  while (!stopped) {
    const book = await client.watchOrderBook(symbol).catch((error: unknown) => {
      process.send?.({ type: 'error', message: String(error) });
      return undefined;
    });
    if (book === undefined) return;
    if (first) {
      first = false;
      if (++ready === options.clients * options.symbols.length) process.send?.({ type: 'ready' });
    }
    updates++;
  }
}

const clients: CcxtClient[] = [];
for (let i = 0; i < options.clients; i++) {
  const client = new ccxt.pro.binance({ enableRateLimit: false });
  // ccxt appends `/<stream index>` to the URL: a query keeps the simulator's path `/ws`.
  client.urls.api.ws.spot = `${options.wsUrl}?ccxt=`;
  client.urls.api.public = `${options.restUrl}/api/v3`;
  client.setMarkets(options.symbols.map(market));
  clients.push(client);
}
for (const client of clients) {
  await client.loadHttpProxyAgent();
  for (const symbol of options.symbols) void watch(client, symbol);
}

process.on('message', (command: { type: string }) => {
  if (command.type === 'count') {
    process.send?.({ type: 'count', messages: updates, seqGaps: 0 });
    updates = 0;
  } else if (command.type === 'stop') {
    stopped = true;
    process.exit(0);
  }
});
