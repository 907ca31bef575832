// Child processes of coinbase-loop.ts, kept out of the gateway's process so their work does not count as the gateway's
// event-loop time. `coinbase`: a Coinbase simulator whose two books are 23,000 levels a side (two ~5 MB snapshots).
// `kraken`: a Kraken simulator and, on request, a bot on Kraken BTC/USD through the gateway that records per book
// update when it arrived (CLOCK_MONOTONIC via process.hrtime, shared with the parent) and its latency from the Kraken
// simulator's time of the newest change in it (`exchangeTime`). Apart, so building a 5 MB snapshot never holds the
// Kraken side up.
import WebSocket from 'ws';
import { startCoinbaseSimulator } from '../../src/sim/coinbase/server.ts';
import { startKrakenSimulator } from '../../src/sim/kraken/server.ts';

export type ToVenues =
  | { type: 'bot'; wsUrl: string }
  | { type: 'drop' }
  | { type: 'samples' }
  | { type: 'stop' };

export type FromVenues =
  | { type: 'ready'; url: string }
  | { type: 'bot-ready' }
  | { type: 'samples'; arrivalNs: string[]; latencyMicros: number[] };

export const SNAPSHOT_LEVELS_PER_SIDE = 23_000;
/** The Coinbase snapshots come this long after the subscribe, so the Kraken bot is in place first. */
export const SNAPSHOT_DELAY_MS = 1_500;

const EXCHANGE_TIME = /"exchangeTime":"([^"]+)"/;

function wallMicros(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** RFC 3339 with microseconds → epoch µs. */
function micros(text: string): number {
  const fraction = /\.(\d+)Z$/.exec(text)?.[1] ?? '0';
  return Date.parse(`${text.slice(0, 19)}Z`) * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

async function main(role: string | undefined): Promise<void> {
  const venue = role === 'coinbase'
    ? await startCoinbaseSimulator({ seed: 9, symbols: ['BTC/USD', 'ETH/USD'], levelsPerSide: SNAPSHOT_LEVELS_PER_SIDE,
      snapshotDelayMs: SNAPSHOT_DELAY_MS, updateIntervalMs: 100 })
    : await startKrakenSimulator({ seed: 9, symbols: ['BTC/USD'], updateIntervalMs: 5 });
  const arrivalNs: string[] = [];
  const latencyMicros: number[] = [];
  let bot: WebSocket | undefined;
  const send = (message: FromVenues): void => {
    process.send?.(message);
  };
  process.on('message', (message: ToVenues) => {
    switch (message.type) {
      case 'bot': {
        bot = new WebSocket(message.wsUrl);
        bot.on('open', () => bot!.send(JSON.stringify({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken',
          symbol: 'BTC/USD', depth: 10 })));
        bot.on('message', (data) => {
          const now = process.hrtime.bigint();
          const text = data.toString();
          if (text.includes('"type":"ack"')) send({ type: 'bot-ready' });
          if (!text.startsWith('{"type":"book_update"')) return;
          const stamp = EXCHANGE_TIME.exec(text)?.[1];
          if (stamp === undefined) return;
          arrivalNs.push(String(now));
          latencyMicros.push(Math.round(wallMicros() - micros(stamp)));
        });
        return;
      }
      case 'drop':
        if ('frameFault' in venue) venue.dropConnections();
        return;
      case 'samples':
        send({ type: 'samples', arrivalNs, latencyMicros });
        return;
      case 'stop':
        bot?.close();
        void venue.stop().then(() => process.exit(0));
        return;
    }
  });
  send({ type: 'ready', url: venue.url });
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
