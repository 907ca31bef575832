// Cost per frame of the Kraken adapter (parse + session) against bare JSON.parse of the same frames, over the
// ETH/USD depth-25 capture. Budget: the gateway's whole per-frame cost ≤ 2.5× bare JSON.parse.
// The variants are interleaved round by round and the fastest round of each is kept, so load from other
// processes on the machine does not skew the ratio. Run: node --import tsx scripts/bench/measure-kraken-parse.ts
import { parseKrakenFrame } from '../../src/exchanges/kraken/parse.ts';
import { createKrakenSession } from '../../src/exchanges/kraken/session.ts';
import { readKrakenCaptureFrames } from '../../test/support/kraken-fixtures.ts';

const frames = readKrakenCaptureFrames('crossbook_kraken_ethusd_d25.frames.jsonl');
const ROUNDS = 200;
const WARM_UP_ROUNDS = 30;
const session = createKrakenSession({ symbols: ['ETH/USD'], bookDepth: 25, tradeSnapshot: false });

const variants: [string, (text: string) => unknown][] = [
  ['JSON.parse', (text) => JSON.parse(text)],
  ['parseKrakenFrame', parseKrakenFrame],
  ['parse + session.onFrame', (text) => session.onFrame(text, 0)],
];
const fastest = variants.map(() => Infinity);
let sink = 0;
for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
  variants.forEach(([, perFrame], index) => {
    const start = process.hrtime.bigint();
    for (const text of frames) if (perFrame(text) !== undefined) sink++;
    const ns = Number(process.hrtime.bigint() - start) / frames.length;
    if (round >= WARM_UP_ROUNDS) fastest[index] = Math.min(fastest[index]!, ns);
  });
}
const bare = fastest[0]!;
variants.forEach(([label], index) => {
  const ns = fastest[index]!;
  console.log(`${label.padEnd(24)} ${(ns / 1000).toFixed(3)} µs/frame  ${(ns / bare).toFixed(2)}× JSON.parse`);
});
console.log(`${frames.length} frames × ${ROUNDS} rounds, fastest round of each (sink ${sink})`);
