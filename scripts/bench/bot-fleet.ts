// Child process: N `ws` bots, out of the gateway's and the feed's processes so their CPU is their own. Each bot
// connects either to the gateway (protocol v1) or straight to the Kraken-like feed (Kraken v2), subscribes, and
// for latency records when it first received a message covering each venue frame (the frame index is encoded
// in the venue timestamp: `exchangeTime` through the gateway, `timestamp` direct). The parent sends the frames'
// send times at the end; latencies go back as a merged log histogram. Started by fleet-control.ts.
import { readFileSync } from 'node:fs';
import WebSocket, { type RawData } from 'ws';
import { bucketOf, emptyHistogram } from './latency-histogram.ts';
import { frameIndexOf } from './kraken-frames.ts';
import type { FleetCommand, FleetConfig, FleetReport } from './fleet-protocol.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as FleetConfig;
const send = (report: FleetReport): void => {
  process.send?.(report);
};
const nowMicros = () => Number(process.hrtime.bigint()) / 1000;
const TIME_KEY = Buffer.from(config.protocol === 'gateway' ? '"exchangeTime":"' : '"timestamp":"');
const SEQ_KEY = Buffer.from('"seq":');

interface Bot {
  readonly socket: WebSocket;
  readonly stalled: boolean;
  firstBook: boolean;
  lastSeq: Map<string, number>;
  /** Next frame index (relative to the window) not yet covered. */
  next: number;
  received: Float32Array | undefined;
}

let window: { firstIndex: number; frames: number; baseMicros: number } | undefined;
let messages = 0;
let seqGaps = 0;
let booksReady = 0;
const bots: Bot[] = [];

function subscribeText(): string[] {
  if (config.protocol === 'kraken') {
    return config.subscriptions.map((s, i) => JSON.stringify({ method: 'subscribe',
      params: { channel: 'book', symbol: [s.symbol], depth: s.depth, snapshot: true }, req_id: i + 1 }));
  }
  const out: string[] = [];
  config.subscriptions.forEach((s, i) => {
    out.push(JSON.stringify({ op: 'subscribe', id: 2 * i + 1, channel: 'book', exchange: s.exchange, symbol: s.symbol, depth: s.depth }));
    if (config.trades) out.push(JSON.stringify({ op: 'subscribe', id: 2 * i + 2, channel: 'trades', exchange: s.exchange, symbol: s.symbol }));
  });
  return out;
}

function seqCheck(bot: Bot, data: Buffer): void {
  // Gateway messages: type and symbol first; seq contiguity per (type family, symbol).
  const seqAt = data.indexOf(SEQ_KEY);
  if (seqAt < 0) return;
  const symbolStart = data.indexOf('"symbol":"') + 10;
  const key = `${data[9] === 0x74 && data[10] === 0x72 ? 't' : 'b'}${data.toString('latin1', symbolStart, data.indexOf('"', symbolStart))}`;
  let end = seqAt + SEQ_KEY.length;
  let seq = 0;
  while (data[end]! >= 0x30 && data[end]! <= 0x39) seq = seq * 10 + data[end++]! - 0x30;
  const snapshot = data.indexOf('"book_snapshot"') > 0 && data.indexOf('"book_snapshot"') < 20;
  const last = bot.lastSeq.get(key);
  if (!snapshot && last !== undefined && seq !== last + 1) seqGaps++;
  bot.lastSeq.set(key, seq);
}

function onMessage(bot: Bot, raw: RawData): void {
  const at = nowMicros();
  const data = raw as Buffer;
  messages++;
  if (config.protocol === 'gateway') seqCheck(bot, data);
  if (!bot.firstBook && (data.indexOf('book_snapshot') >= 0 || data.indexOf('"type":"snapshot"') >= 0)) {
    bot.firstBook = true;
    if (++booksReady === bots.filter((b) => !b.stalled).length) send({ type: 'ready' });
  }
  const current = window;
  if (current === undefined || bot.received === undefined) return;
  const keyAt = data.indexOf(TIME_KEY);
  if (keyAt < 0) return;
  const start = keyAt + TIME_KEY.length;
  const index = frameIndexOf(data.toString('latin1', start, start + 27)) - current.firstIndex;
  if (index < bot.next) return;
  const last = Math.min(index, current.frames - 1);
  const relative = at - current.baseMicros;
  for (let i = bot.next; i <= last; i++) bot.received[i] = relative;
  bot.next = index + 1;
}

function connect(stalled: boolean): void {
  const socket = new WebSocket(config.url, { perMessageDeflate: false });
  const bot: Bot = { socket, stalled, firstBook: false, lastSeq: new Map(), next: 0, received: undefined };
  bots.push(bot);
  socket.on('open', () => {
    for (const text of subscribeText()) socket.send(text);
    // A stalled bot subscribes, then stops reading: its backlog grows in the gateway (or the feed).
    if (stalled) setTimeout(() => socket.pause(), 200);
  });
  socket.on('message', (data) => onMessage(bot, data));
  socket.on('error', (error) => send({ type: 'error', message: error.message }));
}

function finish(sentFile: string): void {
  const current = window;
  if (current === undefined) return;
  const sent = new Float64Array(readFileSync(sentFile).buffer.slice(0));
  const histogram = emptyHistogram();
  let covered = 0;
  let missing = 0;
  for (const bot of bots) {
    if (bot.stalled || bot.received === undefined) continue;
    for (let i = 0; i < current.frames; i++) {
      const at = bot.received[i]!;
      const sentAt = sent[i]!;
      if (Number.isNaN(at) || !(sentAt > 0)) {
        missing++;
        continue;
      }
      covered++;
      histogram[bucketOf(at + current.baseMicros - sentAt)]!++;
    }
  }
  send({ type: 'result', histogram, covered, missing, messages, seqGaps });
}

process.on('message', (command: FleetCommand) => {
  switch (command.type) {
    case 'measure':
      window = command;
      messages = 0;
      for (const bot of bots) {
        if (bot.stalled) continue;
        bot.received = new Float32Array(command.frames).fill(Number.NaN);
        bot.next = 0;
      }
      break;
    case 'count':
      send({ type: 'count', messages, seqGaps });
      messages = 0;
      break;
    case 'finish':
      finish(command.sentFile);
      break;
    case 'stop':
      for (const bot of bots) bot.socket.terminate();
      process.exit(0);
  }
});

for (let i = 0; i < config.clients; i++) connect(false);
for (let i = 0; i < (config.stalled ?? 0); i++) connect(true);
if (config.clients === 0) send({ type: 'ready' });
