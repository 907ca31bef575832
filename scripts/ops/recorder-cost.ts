// The flight recorder's cost, measured on real Kraken depth-25 frames (test/fixtures/kraken/captures):
//   node --import tsx scripts/ops/recorder-cost.ts [--frames 300000]
// Prints the main-thread time per frame (the tap plus the batched hand-off to gzip), the whole process CPU per frame
// (gzip on the thread pool included), JSON.parse of the same frames as a yardstick, the incident "before" copy per
// book update, and the disk per hour at the captured rate of the default config (2 books at depth 25).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.ts';
import { OrderBook } from '../../src/book/order-book.ts';
import { FlightRecorder } from '../../src/observability/flight-recorder.ts';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '300000' } } });
const FRAMES = Number(values.frames);
const CAPTURES = new URL('../../test/fixtures/kraken/captures/', import.meta.url);
/** Frames per second of each capture (frames / duration, test/fixtures/kraken/SOURCES.md). */
const CAPTURE_RATES = { 'crossbook_kraken_ethusd_d25.frames.jsonl': 1170 / 39.2, 'crossbook_kraken_xrpusd_d25.frames.jsonl': 1192 / 42.6 };

const frames = Object.keys(CAPTURE_RATES).flatMap((file) => readFileSync(new URL(file, CAPTURES), 'utf8').split('\n').filter(Boolean));
const meanRate = Object.values(CAPTURE_RATES).reduce((sum, rate) => sum + rate, 0) / Object.keys(CAPTURE_RATES).length;
const loaded = loadConfig({ argv: [], env: {} });
if (!loaded.ok) throw loaded.error;
const venueConfig = loaded.config.exchanges.kraken;

function nsPerFrame(run: () => void, count: number): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / count;
}

// Yardstick: JSON.parse of the same frames.
let sink = 0;
const parseNs = nsPerFrame(() => {
  for (let i = 0; i < FRAMES; i++) sink += (JSON.parse(frames[i % frames.length]!) as object) === null ? 1 : 0;
}, FRAMES);

const dir = mkdtempSync(join(tmpdir(), 'mgw-recorder-cost-'));
const recorder = new FlightRecorder({ record: true, dir, maxTotalBytes: 1 << 30, maxFileBytes: 1 << 30, rotateAfterMs: 3_600_000,
  windowMs: 60_000, header: {}, now: () => at, flushIntervalMs: 3_600_000 });
let at = 1_000_000;
const tap = recorder.openSocket({ exchange: 'kraken', connection: 1, symbols: ['ETH/USD', 'XRP/USD'], config: venueConfig }, at);
const stepMs = 1000 / (2 * meanRate);
const flushEvery = Math.round(2 * meanRate);
const cpuBefore = process.cpuUsage();
const recordNs = nsPerFrame(() => {
  for (let i = 0; i < FRAMES; i++) {
    at += stepMs;
    tap.frame(frames[i % frames.length]!, at);
    if (i % flushEvery === 0) recorder.flush();
  }
}, FRAMES);
await recorder.stop();
const cpu = process.cpuUsage(cpuBefore);
const totalCpuNs = ((cpu.user + cpu.system) * 1000) / FRAMES;
const stats = recorder.stats();
const gzBytes = readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
rmSync(dir, { recursive: true, force: true });

// Incident bundles keep each book's last verified levels: two slices of the top `depth` references per update.
function copyNs(depth: number): number {
  const book = new OrderBook();
  const bids = Array.from({ length: depth }, (_, i) => [String(100 - i * 0.01), '1.5'] as [string, string]);
  const asks = Array.from({ length: depth }, (_, i) => [String(101 + i * 0.01), '2.5'] as [string, string]);
  book.replace(bids, asks);
  const count = 1_000_000;
  return nsPerFrame(() => {
    for (let i = 0; i < count; i++) sink += book.topLevels('bids', depth).length + book.topLevels('asks', depth).length;
  }, count);
}
const copy25 = copyNs(25);
const copy100 = copyNs(100);

const gzPerFrame = gzBytes / stats.frames;
const defaultRate = 2 * meanRate;
const rows: [string, string][] = [
  ['frames recorded', `${stats.frames} (${stats.droppedFrames} dropped)`],
  ['JSON.parse of the same frames (yardstick)', `${(parseNs / 1000).toFixed(2)} µs/frame`],
  ['recorder, main thread (tap + ring + batched hand-off)', `${(recordNs / 1000).toFixed(2)} µs/frame = ${(recordNs / parseNs).toFixed(2)}× JSON.parse`],
  ['recorder, whole process CPU (gzip level 6 on the thread pool included)', `${(totalCpuNs / 1000).toFixed(2)} µs/frame`],
  ['incident "before" copy per book update, depth 25 / 100', `${copy25.toFixed(0)} ns / ${copy100.toFixed(0)} ns`],
  ['bytes per frame, recorded line / gzip', `${(stats.bytesIn / stats.frames).toFixed(0)} B / ${gzPerFrame.toFixed(1)} B`],
  [`disk per hour at the default config's captured rate (${defaultRate.toFixed(1)} frames/s)`,
    `${((gzPerFrame * defaultRate * 3600) / 1_048_576).toFixed(1)} MiB/h`],
  ['default retention (recorder.maxTotalBytes 512 MiB) lasts', `${(512 / ((gzPerFrame * defaultRate * 3600) / 1_048_576)).toFixed(0)} h`],
];
const width = Math.max(...rows.map(([label]) => label.length));
process.stdout.write(`flight recorder cost, node ${process.version}, ${FRAMES} frames (sink ${sink > 0 ? 'ok' : '0'})\n`);
for (const [label, value] of rows) process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
