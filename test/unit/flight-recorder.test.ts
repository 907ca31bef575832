// The flight recorder on its own: lines read back exactly (frames byte for byte, a line break escaped), the incident
// ring keeps only its window, files rotate by size and time, retention deletes the oldest files, and a disk that
// falls behind costs dropped frames (counted, said in the file), never unbounded memory.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../../src/config/load.ts';
import { FlightRecorder, type FlightRecorderOptions } from '../../src/observability/flight-recorder.ts';
import { parseRecordLine } from '../../src/observability/recording-format.ts';
import { SocketRing } from '../../src/observability/socket-ring.ts';
import { waitFor } from '../support/wait-for.ts';

const loaded = loadConfig({ argv: [], env: {} });
assert.ok(loaded.ok);
const KRAKEN = loaded.config.exchanges.kraken;
const FRAME = '{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":62998.3,"qty":0.35066500}]}]}';

function recorder(options: Partial<FlightRecorderOptions> & { now: () => number }): { recorder: FlightRecorder; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mgw-fr-'));
  return { dir, recorder: new FlightRecorder({ record: true, dir, maxTotalBytes: 1 << 30, maxFileBytes: 1 << 30,
    rotateAfterMs: 3_600_000, windowMs: 0, header: { version: 'test' }, flushIntervalMs: 3_600_000,
    onError: (error) => { throw error; }, ...options }) };
}

function lines(dir: string, file: string): string[] {
  return gunzipSync(readFileSync(join(dir, file))).toString('utf8').split('\n').filter(Boolean);
}

describe('recording lines', () => {
  it('keeps frames byte for byte (number tokens included) and escapes only a frame with a line break', async () => {
    let now = 1_000;
    const { recorder: r, dir } = recorder({ now: () => now });
    const tap = r.openSocket({ exchange: 'kraken', connection: 2, symbols: ['BTC/USD'], config: KRAKEN }, now);
    tap.frame(FRAME, ++now);
    tap.frame('not json\nat all', ++now);
    tap.closed(++now, 'stop', 'requested');
    await r.stop();
    const [file] = readdirSync(dir);
    const records = lines(dir, file!).map((line) => parseRecordLine(line));
    assert.deepEqual(records.map((record) => record?.k), ['recording', 'open', undefined, undefined, 'close']);
    assert.deepEqual(records[2], { t: 1_001, s: 1, f: FRAME });
    assert.deepEqual(records[3], { t: 1_002, s: 1, f: 'not json\nat all' });
    assert.equal(lines(dir, file!)[2], `{"t":1001,"s":1,"f":${FRAME}}`);
    assert.deepEqual(records[4], { k: 'close', t: 1_003, s: 1, how: 'stop', cause: 'requested' });
    assert.equal(parseRecordLine('{"t":12,"s":1,"f":{"cut'), undefined);
  });
});

describe('SocketRing', () => {
  it('keeps the last window, says whether it still reaches the open, and puts the open record first', () => {
    const ring = new SocketRing(1_000, 'open\n', 0);
    for (let t = 100; t <= 900; t += 100) ring.push(`f${t}\n`, t);
    assert.deepEqual(ring.snapshot(900), { lines: ['open\n', ...[100, 200, 300, 400, 500, 600, 700, 800, 900].map((t) => `f${t}\n`)], fromOpen: true });
    const later = ring.snapshot(1_650);
    assert.equal(later.fromOpen, false);
    assert.deepEqual(later.lines, ['open\n', 'f700\n', 'f800\n', 'f900\n']);
  });

  it('stays bounded over a long run (compacts the dead head)', () => {
    const ring = new SocketRing(100, 'open\n', 0);
    for (let t = 1; t <= 200_000; t++) ring.push('x\n', t);
    assert.equal(ring.snapshot(200_000).lines.length, 102);
  });
});

describe('FlightRecorder files', () => {
  it('rotates by time and by size, each file replayable on its own (open records repeated)', async () => {
    let now = 0;
    const { recorder: r, dir } = recorder({ now: () => now, rotateAfterMs: 60_000, maxFileBytes: 65_536 });
    const tap = r.openSocket({ exchange: 'kraken', connection: 1, symbols: ['BTC/USD'], config: KRAKEN }, now);
    tap.frame(FRAME, now);
    r.flush();
    now = 61_000;
    tap.frame(FRAME, now);
    r.flush();
    await waitFor(() => readdirSync(dir).length === 2, 5_000, 'a second file after rotateAfterMs');
    await r.stop();
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 2);
    for (const file of files) {
      const kinds = lines(dir, file).map((line) => parseRecordLine(line)?.k ?? 'frame');
      assert.deepEqual(kinds, ['recording', 'open', 'frame'], file);
    }
  });

  it('deletes the oldest recordings beyond maxTotalBytes, never the open one', async () => {
    let now = 0;
    const { recorder: r, dir } = recorder({ now: () => now, rotateAfterMs: 1_000, maxTotalBytes: 1_048_576 });
    const tap = r.openSocket({ exchange: 'kraken', connection: 1, symbols: ['BTC/USD'], config: KRAKEN }, now);
    // Incompressible frames: ~400 KiB of gzip per file.
    const noise = (seed: number): string => Array.from({ length: 4_000 }, (_, i) => ((seed * 7_919 + i * 104_729) ** 2 % 1e9).toString(36)).join('');
    for (let file = 0; file < 6; file++) {
      for (let i = 0; i < 25; i++) tap.frame(noise(file * 100 + i), now);
      r.flush();
      const newest = (): number => Math.max(...readdirSync(dir).sort().slice(-1).map((name) => statSync(join(dir, name)).size));
      const name = `frames-${new Date(now).toISOString().replace(/[:.]/g, '-')}.ndjson.gz`;
      await waitFor(() => readdirSync(dir).includes(name) && newest() > 300_000, 5_000, `${name} on disk`);
      now += 1_500;
    }
    await r.stop();
    const files = readdirSync(dir);
    assert.ok(files.length <= 4 && files.length >= 2, `${files.length} files kept: ${files.map((f) => statSync(join(dir, f)).size).join(",")}`);
    assert.equal(r.stats().files, 6);
    assert.ok(!files.includes('frames-1970-01-01T00-00-00-000Z.ndjson.gz'), 'the oldest went first');
    assert.ok(files.includes('frames-1970-01-01T00-00-07-500Z.ndjson.gz'), 'the newest stays');
  });

  it('drops and counts frames when the disk falls behind instead of buffering without bound', async () => {
    const now = 5_000;
    const { recorder: r, dir } = recorder({ now: () => now, maxPendingBytes: 10_000 });
    const tap = r.openSocket({ exchange: 'kraken', connection: 1, symbols: ['BTC/USD'], config: KRAKEN }, now);
    for (let i = 0; i < 1_000; i++) tap.frame(FRAME, now);
    const stats = r.stats();
    assert.equal(stats.frames, 1_000);
    assert.ok(stats.droppedFrames >= 900, `${stats.droppedFrames} dropped`);
    await r.stop();
    const records = lines(dir, readdirSync(dir)[0]!).map((line) => parseRecordLine(line));
    const dropped = records.find((record) => record?.k === 'dropped');
    assert.deepEqual(dropped, { k: 'dropped', t: 5_000, frames: stats.droppedFrames });
    assert.equal(records.filter((record) => record?.k === undefined).length, 1_000 - stats.droppedFrames);
  });

  it('with recorder.enabled false writes nothing but still keeps the rings for incident bundles', async () => {
    let now = 0;
    const { recorder: r, dir } = recorder({ now: () => now, record: false, windowMs: 10_000 });
    const tap = r.openSocket({ exchange: 'kraken', connection: 3, symbols: ['BTC/USD'], config: KRAKEN }, now);
    now = 500;
    tap.frame(FRAME, now);
    r.flush();
    await r.stop();
    assert.deepEqual(readdirSync(dir), []);
    const recent = r.recentLines('kraken', 3, now)!;
    assert.equal(recent.fromOpen, true);
    assert.deepEqual(recent.lines.map((line) => parseRecordLine(line)?.k ?? 'frame'), ['open', 'frame']);
  });
});
