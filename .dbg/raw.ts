import WebSocket from 'ws';
import { startBinanceSimulator } from '/work/main/src/sim/binance/server.ts';
import { createBinanceSession } from '/work/main/src/exchanges/binance/session.ts';
async function main() {
  const sim = await startBinanceSimulator({ symbols: ['BTC/USDT'], tradeProbability: 0 });
  const ws = new WebSocket(sim.url + '?streams=btcusdt@trade/btcusdt@depth@100ms');
  ws.on('message', (d) => { const t = d.toString(); if (!t.includes('depthUpdate')) console.log('RX', t.slice(0, 200)); });
  await new Promise((r) => ws.on('open', r));
  const s = createBinanceSession({ symbols: ['BTC/USDT'], bookDepth: 100, tradeSnapshot: false });
  s.onOpen(0);
  const out = s.resyncTrades('BTC/USDT', 0);
  console.log('SESSION OUT', JSON.stringify(out));
  for (const a of out.actions) if (a.type === 'send') ws.send(a.payload);
  await new Promise((r) => setTimeout(r, 500));
  console.log(JSON.stringify(s.onFrame('{"result":null,"id":1}', 1)));
  ws.close(); await sim.stop();
}
main();
