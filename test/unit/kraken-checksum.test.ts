// Every Kraken capture replayed through parse → session → OrderBook → krakenChecksum must match the exchange's
// checksums exactly, plus the worked examples of Kraken's documentation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LevelText } from '../../src/core/model.ts';
import { OrderBook } from '../../src/book/order-book.ts';
import { crc32UpdateAscii } from '../../src/core/crc32.ts';
import {
  checksumDigits, crc32UpdateChecksumDigits, formatAtPrecision, krakenChecksum,
} from '../../src/exchanges/kraken/checksum.ts';
import { createKrakenSession } from '../../src/exchanges/kraken/session.ts';
import type { SessionAction } from '../../src/exchanges/types.ts';
import {
  KRAKEN_CAPTURES, listKrakenCaptures, PYTHON_SDK_RECORDING, readKrakenCaptureFrames, readKrakenDoc, readNdjsonCapture,
  readPythonSdkRecordingFrames,
} from '../support/kraken-fixtures.ts';

interface Replay {
  readonly snapshots: number;
  readonly updates: number;
  readonly matched: number;
  /** Everything but debug reports: a clean capture produces none. */
  readonly actions: SessionAction[];
}

interface ReplayOptions {
  readonly truncate?: boolean;
  /** Re-format each level (for sources that lost the wire text). */
  readonly format?: (level: LevelText) => LevelText;
}

function replay(frames: readonly string[], symbol: string, depth: number, options: ReplayOptions = {}): Replay {
  const session = createKrakenSession({ symbols: [symbol], bookDepth: depth, tradeSnapshot: false });
  const book = new OrderBook();
  const actions: SessionAction[] = [];
  let snapshots = 0;
  let updates = 0;
  let matched = 0;
  for (const text of frames) {
    const output = session.onFrame(text, 0);
    actions.push(...output.actions.filter((action) => action.type !== 'report' || action.level !== 'debug'));
    for (const event of output.events) {
      if (event.type !== 'book_snapshot' && event.type !== 'book_update') continue;
      const bids = options.format ? event.bids.map(options.format) : event.bids;
      const asks = options.format ? event.asks.map(options.format) : event.asks;
      if (event.type === 'book_snapshot') {
        snapshots++;
        assert.ok(book.replace(bids, asks));
      } else {
        updates++;
        assert.ok(book.apply(bids, asks));
      }
      if (options.truncate ?? true) book.truncate(depth);
      if (krakenChecksum(book) === event.checksum) matched++;
    }
  }
  return { snapshots, updates, matched, actions };
}

const atPrecision = (price: number, qty: number) => ([p, q]: LevelText): LevelText =>
  [formatAtPrecision(p, price), formatAtPrecision(q, qty)];

const WIRE_CAPTURES = [
  { file: 'crossbook_kraken_btcusd_d10_l2.cbcap', symbol: 'BTC/USD', depth: 10, snapshots: 5, updates: 296 },
  { file: 'crossbook_kraken_btcusd_d10_l2.frames.jsonl', symbol: 'BTC/USD', depth: 10, snapshots: 5, updates: 296 },
  { file: 'crossbook_kraken_ethusd_d25.cbcap', symbol: 'ETH/USD', depth: 25, snapshots: 1, updates: 1128 },
  { file: 'crossbook_kraken_ethusd_d25.frames.jsonl', symbol: 'ETH/USD', depth: 25, snapshots: 1, updates: 1128 },
  { file: 'crossbook_kraken_xrpusd_d25.cbcap', symbol: 'XRP/USD', depth: 25, snapshots: 1, updates: 1146 },
  { file: 'crossbook_kraken_xrpusd_d25.frames.jsonl', symbol: 'XRP/USD', depth: 25, snapshots: 1, updates: 1146 },
  { file: 'depthcharge_kraken_minagbp_d25_20260816.ndjson', symbol: 'MINA/GBP', depth: 25, snapshots: 1, updates: 29 },
] as const;

describe('kraken checksum over real captures', () => {
  it('covers every file in captures/', () => {
    assert.deepEqual(listKrakenCaptures(), [...WIRE_CAPTURES.map((capture) => capture.file), PYTHON_SDK_RECORDING].sort());
  });

  for (const capture of WIRE_CAPTURES) {
    const total = capture.snapshots + capture.updates;
    it(`${capture.file}: ${total}/${total} checksums match`, () => {
      const result = replay(readKrakenCaptureFrames(capture.file), capture.symbol, capture.depth);
      assert.equal(result.snapshots, capture.snapshots);
      assert.equal(result.updates, capture.updates);
      assert.equal(result.matched, total);
      assert.deepEqual(result.actions, []);
    });
  }

  it('the MINA/GBP capture metadata agrees with the depth replayed', () => {
    const { meta } = readNdjsonCapture(new URL('depthcharge_kraken_minagbp_d25_20260816.ndjson', KRAKEN_CAPTURES));
    assert.equal(meta.symbol, 'MINA/GBP');
    assert.equal(meta.depth, 25);
  });

  it('without depth truncation the BTC/USD capture diverges (294/301)', () => {
    const frames = readKrakenCaptureFrames('crossbook_kraken_btcusd_d10_l2.frames.jsonl');
    assert.equal(replay(frames, 'BTC/USD', 10, { truncate: false }).matched, 294);
  });

  describe('python-kraken-sdk recording (re-serialised floats, trailing zeros lost)', () => {
    const frames = readPythonSdkRecordingFrames();

    it('510/510 match when levels are formatted at the instrument precision (price 1, qty 8)', () => {
      const result = replay(frames, 'BTC/USD', 10, { format: atPrecision(1, 8) });
      assert.deepEqual([result.snapshots, result.updates, result.matched], [1, 509, 510]);
    });

    it('0/510 match with the naive String(number) text', () => {
      const result = replay(frames, 'BTC/USD', 10);
      assert.deepEqual([result.snapshots, result.updates, result.matched], [1, 509, 0]);
    });
  });
});

describe('kraken checksum documentation examples', () => {
  it('checksum guide, BTC/USD: 3310070434 with the guide\'s intermediate strings', () => {
    const expected = JSON.parse(readKrakenDoc('book_checksum_guide_btcusd_expected.json')) as
      { asks_string: string; bids_string: string; expected_checksum: number };
    const session = createKrakenSession({ symbols: ['BTC/USD'], bookDepth: 10, tradeSnapshot: false });
    const [event] = session.onFrame(readKrakenDoc('book_checksum_guide_btcusd_snapshot.json'), 0).events;
    assert.ok(event?.type === 'book_snapshot');
    const book = new OrderBook();
    assert.ok(book.replace(event.bids, event.asks));
    const digits = (side: 'asks' | 'bids') =>
      book.topLevels(side, 10).map(([price, qty]) => checksumDigits(price) + checksumDigits(qty)).join('');
    assert.equal(digits('asks'), expected.asks_string);
    assert.equal(digits('bids'), expected.bids_string);
    assert.equal(expected.expected_checksum, 3310070434);
    assert.equal(event.checksum, 3310070434);
    assert.equal(krakenChecksum(book), 3310070434);
  });

  it('book page, MATIC/USD at precision 4/8: snapshot 2439117997, after the update 2114181697', () => {
    const session = createKrakenSession({ symbols: ['MATIC/USD'], bookDepth: 10, tradeSnapshot: false });
    const format = atPrecision(4, 8);
    const book = new OrderBook();
    const [snapshot] = session.onFrame(readKrakenDoc('book_snapshot_matic_usd.json'), 0).events;
    assert.ok(snapshot?.type === 'book_snapshot');
    assert.ok(book.replace(snapshot.bids, snapshot.asks));
    assert.notEqual(krakenChecksum(book), 2439117997, 'the doc text lost trailing zeros (0.566)');
    assert.ok(book.replace(snapshot.bids.map(format), snapshot.asks.map(format)));
    assert.equal(snapshot.checksum, 2439117997);
    assert.equal(krakenChecksum(book), 2439117997);

    const [update] = session.onFrame(readKrakenDoc('book_update_matic_usd.json'), 0).events;
    assert.ok(update?.type === 'book_update');
    assert.ok(book.apply(update.bids.map(format), update.asks.map(format)));
    book.truncate(10);
    assert.equal(update.checksum, 2114181697);
    assert.equal(krakenChecksum(book), 2114181697);
  });
});

describe('checksum digits at the edges', () => {
  // Level text as Kraken prints it, plus the shapes the rule has to survive: zero, all-zero decimals, integers, a
  // trailing point.
  const SAMPLES: [string, string][] = [
    ['0.00100000', '100000'], ['63005.0', '630050'], ['1877.61', '187761'], ['0.00000000', '0'], ['0', '0'], ['0.0', '0'],
    ['100', '100'], ['007', '7'], ['5.', '5'], ['0.', '0'], ['10.50', '1050'],
  ];

  it('drops the point and the leading zeros, keeping a lone zero', () => {
    assert.deepEqual(SAMPLES.map(([decimal]) => checksumDigits(decimal)), SAMPLES.map(([, digits]) => digits));
  });

  it('the streaming CRC (no string built) equals the CRC of those digits', () => {
    for (const [decimal, digits] of SAMPLES) {
      assert.equal(crc32UpdateChecksumDigits(0, decimal) >>> 0, crc32UpdateAscii(0, digits) >>> 0, decimal);
      assert.equal(crc32UpdateChecksumDigits(0xffffffff, decimal) >>> 0, crc32UpdateAscii(0xffffffff, digits) >>> 0, decimal);
    }
  });
});

