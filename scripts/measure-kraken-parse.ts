// Cost per frame of the Kraken adapter (parse + session) against bare JSON.parse of the same frames, over the
// ETH/USD depth-25 capture. Budget: the gateway's whole per-frame cost ≤ 2.5× bare JSON.parse.
// Run: node --import tsx scripts/measure-kraken-parse.ts
import { parseKrakenFrame } from '../src/exchanges/kraken/parse.ts';
import { createKrakenSession } from '../src/exchanges/kraken/session.ts';
import { readKrakenCaptureFrames } from '../test/support/kraken-fixtures.ts';

const frames = readKrakenCaptureFrames('crossbook_kraken_ethusd_d25.frames.jsonl');
const ROUNDS = 300;

function timeRounds(label: string, perFrame: (text: string) => unknown): number {
  let sink = 0;
  const run = (rounds: number): void => {
    for (let round = 0; round < rounds; round++) for (const text of frames) if (perFrame(text) !== undefined) sink++;
  };
  run(30);
  const start = process.hrtime.bigint();
  run(ROUNDS);
  const nsPerFrame = Number(process.hrtime.bigint() - start) / (ROUNDS * frames.length);
  console.log(`${label.padEnd(24)} ${(nsPerFrame / 1000).toFixed(3)} µs/frame  (sink ${sink})`);
  return nsPerFrame;
}

const session = createKrakenSession({ symbols: ['ETH/USD'], bookDepth: 25, tradeSnapshot: false });
for (let trial = 1; trial <= 3; trial++) {
  const bare = timeRounds('JSON.parse', (text) => JSON.parse(text));
  const parse = timeRounds('parseKrakenFrame', parseKrakenFrame);
  const both = timeRounds('parse + session.onFrame', (text) => session.onFrame(text, 0));
  console.log(`trial ${trial}: parse ${(parse / bare).toFixed(2)}×, parse + session ${(both / bare).toFixed(2)}× bare JSON.parse\n`);
}
