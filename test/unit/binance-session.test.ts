import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_BUFFERED_DIFFS } from '../../src/exchanges/binance/sequence.ts';
import { binanceRestSnapshot } from '../../src/exchanges/binance/spec.ts';
import type { SessionOutput, VenueEvent } from '../../src/exchanges/types.ts';
import { nknPair, readCapture, readExpected, readFixture, readFixtureLines, sessionFrame } from '../support/binance-fixtures.ts';
import {
  applyOutput, binanceSession, binanceStore, codes, fetches, normalizeDecimal, reports, resyncs, snapshotBody, topLevels,
} from '../support/binance-replay.ts';

const TESTNET = readFixtureLines('testnet-2026-09-13-btcusdt-stream.jsonl');
const TESTNET_SNAPSHOT = readFixture('testnet-2026-09-13-btcusdt-depth-limit100.json');
const NKN = nknPair();
const TEN = 'capture-2021-04-17-spot-10sym.jsonl';
const TEN_LINES = readCapture(TEN);
const TEN_EXPECTED = readExpected(TEN);
const TEN_SYMBOLS = ['BUSD/TRY', 'SWRV/BUSD', 'VET/ETH', 'QSP/BTC', 'AAVEUP/USDT', 'GTO/BTC', 'PERL/BNB', 'ONT/TRY', 'STEEM/ETH', 'ADA/RUB'];

const types = (output: SessionOutput): string[] => output.events.map((event) => event.type);
const isDepthLine = (raw: string | undefined, venueName: string): boolean =>
  raw !== undefined && raw.includes('"e":"depthUpdate"') && raw.includes(`"s":"${venueName}"`);

describe('binance session: opening', () => {
  it('the URL subscribed every stream: subscribed events for book and trades, nothing sent', () => {
    const output = binanceSession(['BTC/USDT', 'ETH/USDT']).onOpen(0);
    assert.deepEqual(output, {
      events: [
        { type: 'subscribed', symbol: 'BTC/USDT', channel: 'book' }, { type: 'subscribed', symbol: 'BTC/USDT', channel: 'trades' },
        { type: 'subscribed', symbol: 'ETH/USDT', channel: 'book' }, { type: 'subscribed', symbol: 'ETH/USDT', channel: 'trades' },
      ],
      actions: [],
    });
  });

  it('a configured symbol that is not BASE/QUOTE upper case is reported and left out', () => {
    const output = binanceSession(['btc/usdt', 'BTCUSDT', 'ETH/USDT']).onOpen(0);
    assert.deepEqual(types(output), ['subscribed', 'subscribed']);
    assert.deepEqual(codes(output), ['error:invalid_symbol', 'error:invalid_symbol']);
    assert.deepEqual(reports(output).map((report) => report.symbol), ['btc/usdt', 'BTCUSDT']);
  });

  it('ping sends nothing (the venue pings; the connector answers)', () => {
    assert.deepEqual(binanceSession(['BTC/USDT']).ping(1, 0), { events: [], actions: [] });
  });
});

describe('binance session: testnet sample (snapshot older than the stream)', () => {
  it('the snapshot (lastUpdateId 1801494 < first U 1801512) is refetched, never applied', () => {
    const session = binanceSession(['BTC/USDT']);
    const all: SessionOutput[] = [];
    const first = session.onFrame(TESTNET[2]!, 0);
    assert.deepEqual(fetches(first), ['BTC/USDT'], 'the first buffered diff asks for a snapshot');
    assert.deepEqual(fetches(session.onFrame(TESTNET[3]!, 0)), [], 'one fetch in flight');
    const snapshot = session.onFrame(binanceRestSnapshot.frame('BTC/USDT', TESTNET_SNAPSHOT), 0);
    assert.deepEqual(fetches(snapshot), ['BTC/USDT'], 'fetched again');
    assert.deepEqual(types(snapshot), [], 'no book_snapshot');
    assert.deepEqual(codes(snapshot), ['info:snapshot_too_old']);
    assert.equal(reports(snapshot)[0]!.message,
      'binance BTC/USDT: snapshot lastUpdateId 1801494 is older than the stream (needs ≥ 1801511); fetching again');
    for (const frame of TESTNET.slice(4)) all.push(session.onFrame(frame, 0));
    assert.deepEqual(all.flatMap(fetches), [], 'the refetch is still in flight');
    assert.equal(all.flatMap((output) => output.events).filter((event) => event.type.startsWith('book_')).length, 0);
    assert.equal(session.phaseOf('BTC/USDT'), 'buffering');
    assert.equal(session.updateIdOf('BTC/USDT'), undefined);
    assert.equal(session.statsOf('BTC/USDT')!.snapshotsRejected, 1);
  });

  it('a snapshot from the same id space that reaches the buffer bridges it (a real snapshot + diff pair)', () => {
    // NKNUSDT: snapshot 499869752; buffered diffs 750–752 (held by the snapshot: dropped) and 753–754 (applied).
    const session = binanceSession(['NKN/USDT']);
    for (const frame of NKN.diffs.slice(0, 2)) session.onFrame(frame, 0);
    const output = session.onFrame(NKN.snapshot, 0);
    assert.deepEqual(types(output), ['book_snapshot', 'book_update']);
    const [snapshot, update] = output.events as [Extract<VenueEvent, { type: 'book_snapshot' }>, Extract<VenueEvent, { type: 'book_update' }>];
    assert.equal(snapshot.exchangeTime, new Date(1633998512068).toISOString(), 'E of the newest dropped event');
    assert.deepEqual([snapshot.bids[0], snapshot.asks[0]], [['0.35210000', '672.00000000'], ['0.35250000', '3959.00000000']]);
    assert.deepEqual([update.bids, update.asks, update.exchangeTime],
      [[['0.35170000', '4265.00000000']], [['0.35290000', '10968.00000000']], '2021-10-12T00:28:32.568Z']);
    assert.equal(session.updateIdOf('NKN/USDT'), 499869754);
    assert.deepEqual([session.statsOf('NKN/USDT')!.discarded, session.statsOf('NKN/USDT')!.applied], [1, 1]);
  });

  it('boundary: lastUpdateId + 1 == first U bridges (the exact rule; the doc\'s strict "<" would refetch)', () => {
    // NKNUSDT joined after diff 750–752: the buffer starts at 753 = snapshot 499869752 + 1.
    const session = binanceSession(['NKN/USDT']);
    for (const frame of NKN.diffs.slice(1, 3)) session.onFrame(frame, 0);
    const output = session.onFrame(NKN.snapshot, 0);
    assert.deepEqual(types(output), ['book_snapshot', 'book_update', 'book_update']);
    assert.equal((output.events[0] as Extract<VenueEvent, { type: 'book_snapshot' }>).exchangeTime, '', 'nothing dropped');
    assert.deepEqual(fetches(output), []);
    assert.equal(session.updateIdOf('NKN/USDT'), 499869757);
  });

  it('trades: taker side from m, ids as text, time from T, duplicates dropped', () => {
    const session = binanceSession(['BTC/USDT']);
    const trades = TESTNET.filter((frame) => frame.includes('@trade')).flatMap((frame) => session.onFrame(frame, 0).events);
    assert.equal(trades.length, 7);
    assert.deepEqual(trades[0], { type: 'trades', symbol: 'BTC/USDT', snapshot: false, trades: [
      { tradeId: '388510', price: '76745.19000000', size: '0.00065000', side: 'buy', exchangeTime: '2026-09-13T10:25:34.225Z' }] });
    assert.deepEqual(trades[1]!.type === 'trades' && trades[1]!.trades[0]!.side, 'sell');
    assert.deepEqual(session.onFrame(TESTNET[0]!, 0), { events: [], actions: [] }, 'trade 388510 again: dropped');
    assert.equal(session.duplicateTradesOf('BTC/USDT'), 1);
  });
});

describe('binance session: futures frames are not spot frames', () => {
  it('USDⓈ-M events (continuity by pu) bridge once and then break the spot rule: a sequence gap, not a silent book', () => {
    const session = binanceSession(['SUSHI/USDT']);
    const outputs = readCapture('futures-usdm-2021-07-22-sushiusdt-pu-excerpt.jsonl')
      .flatMap((line) => { const frame = sessionFrame(line); return frame === undefined ? [] : [session.onFrame(frame, 0)]; });
    assert.deepEqual(outputs.map(types).flat(), ['book_snapshot', 'book_update']);
    assert.deepEqual(outputs.flatMap(resyncs), ['SUSHI/USDT:sequence_gap']);
    const gap = outputs.flatMap(reports).find((report) => report.code === 'sequence_gap')!;
    assert.equal(gap.message, 'binance SUSHI/USDT: update ids jump from 600859607423 to U=600859607950 (u=600859609417)');
    assert.deepEqual({ ...session.statsOf('SUSHI/USDT')! }, { snapshotLastUpdateId: 600859605926, discarded: 1, applied: 1, stale: 2,
      gaps: 1, snapshotsRejected: 0 });
    assert.equal(session.phaseOf('SUSHI/USDT'), 'halted', 'the 6 later events are ignored until the connector resyncs');
  });
});

describe('binance session: a gap in a real capture', () => {
  const VET_DIFFS = TEN_LINES.filter((line) => isDepthLine(line.raw, 'VETETH')).map((line) => line.line);
  const DROPPED = VET_DIFFS[20]!;
  const depthU = (line: number): { U: number; u: number } => (JSON.parse(TEN_LINES[line - 1]!.raw!) as { data: { U: number; u: number } }).data;

  it('only the gapped symbol resyncs; resync() asks for one snapshot at once, and a fresh snapshot brings it back', () => {
    const clean = binanceSession(TEN_SYMBOLS);
    const cleanStore = binanceStore(TEN_SYMBOLS);
    const gapped = binanceSession(TEN_SYMBOLS);
    const store = binanceStore(TEN_SYMBOLS);
    let gapAt = -1;
    let resynced = false;
    const afterGap: SessionOutput[] = [];
    for (const line of TEN_LINES) {
      const frame = sessionFrame(line);
      if (frame === undefined) continue;
      applyOutput(cleanStore, clean.onFrame(frame, 0));
      if (line.line === DROPPED) continue;
      const output = gapped.onFrame(frame, 0);
      applyOutput(store, output);
      if (resyncs(output).length > 0) {
        assert.equal(gapAt, -1, 'one gap');
        gapAt = line.line;
        assert.deepEqual(resyncs(output), ['VET/ETH:sequence_gap']);
        assert.equal(reports(output)[0]!.message, `binance VET/ETH: update ids jump from ${depthU(VET_DIFFS[19]!).u} `
          + `to U=${JSON.parse(line.raw!).data.U} (u=${JSON.parse(line.raw!).data.u})`);
        assert.equal(store.get('binance', 'VET/ETH')!.state, 'resyncing');
        continue;
      }
      if (gapAt !== -1) afterGap.push(output);
      if (gapAt !== -1 && !resynced && line.line > gapAt + 40) {
        // The connector decides (budget) and calls resync(): nothing is sent (the diff stream stays subscribed), and
        // the snapshot is asked for at once, without waiting for the next diff.
        const resync = gapped.resync('VET/ETH', 'sequence_gap', 0);
        assert.deepEqual(resync, { events: [], actions: [{ type: 'fetch-snapshot', symbol: 'VET/ETH' }] });
        afterGap.push(resync);
        resynced = true;
        applyOutput(store, gapped.onFrame(binanceRestSnapshot.frame('VET/ETH',
          snapshotBody(cleanStore, 'VET/ETH', clean.updateIdOf('VET/ETH')!)), 0));
        assert.equal(store.get('binance', 'VET/ETH')!.state, 'live');
        continue;
      }
    }
    assert.equal(VET_DIFFS.find((line) => line > DROPPED), gapAt, 'the next VETETH diff finds the gap');
    const events = afterGap.flatMap((output) => output.events);
    const halted = events.filter((event) => event.type === 'book_update' && event.symbol === 'VET/ETH');
    assert.ok(halted.length > 0, 'VET/ETH is fed again after the new snapshot');
    assert.ok(events.filter((event) => event.type === 'book_update' && event.symbol !== 'VET/ETH').length > 200, 'other symbols flow');
    assert.deepEqual(afterGap.flatMap(fetches).filter((symbol) => symbol === 'VET/ETH'), ['VET/ETH'], 'exactly one fetch after resync()');
    assert.equal(afterGap.flatMap(resyncs).length, 0);
    const want = TEN_EXPECTED.VETETH!;
    assert.equal(gapped.updateIdOf('VET/ETH'), want.final_update_id);
    assert.deepEqual(topLevels(store, 'VET/ETH', 'bids', 5), want.final_top5_bids.map(([p, q]) => [normalizeDecimal(p), normalizeDecimal(q)]));
    assert.deepEqual(topLevels(store, 'VET/ETH', 'asks', 5), want.final_top5_asks.map(([p, q]) => [normalizeDecimal(p), normalizeDecimal(q)]));
    for (const symbol of TEN_SYMBOLS.filter((each) => each !== 'VET/ETH')) {
      assert.equal(gapped.updateIdOf(symbol), clean.updateIdOf(symbol), symbol);
    }
  });

  it('keeps at most MAX_BUFFERED_DIFFS diffs while a snapshot is awaited; bridging then needs a newer snapshot', () => {
    const session = binanceSession(['BTC/USDT']);
    // The real testnet diff (U=u=1801512), renumbered into a long contiguous run.
    const diff = (id: number): string => TESTNET[2]!.replace('"U":1801512,"u":1801512', `"U":${id},"u":${id}`);
    const total = MAX_BUFFERED_DIFFS + 5;
    for (let id = 1; id <= total; id++) session.onFrame(diff(id), 0);
    const withId = (id: number): string => binanceRestSnapshot.frame('BTC/USDT',
      TESTNET_SNAPSHOT.replace('"lastUpdateId":1801494', `"lastUpdateId":${id}`));
    const oldest = total - MAX_BUFFERED_DIFFS + 1;
    assert.deepEqual(fetches(session.onFrame(withId(oldest - 2), 0)), ['BTC/USDT'], 'the dropped diffs cannot be bridged');
    const bridged = session.onFrame(withId(oldest - 1), 0);
    assert.equal(types(bridged).filter((type) => type === 'book_update').length, MAX_BUFFERED_DIFFS);
    assert.equal(session.updateIdOf('BTC/USDT'), total);
  });

  it('resync() asks for a snapshot at once; with nothing buffered it must hold every update id the stream showed', () => {
    // Real NKNUSDT snapshot 499869752 after a resync: behind a stream that showed 754, holding one that showed 752.
    const ahead = binanceSession(['NKN/USDT']);
    ahead.onFrame(NKN.diffs[1]!, 0); // U–u 753–754
    assert.deepEqual(fetches(ahead.resync('NKN/USDT', 'stale_data', 0)), ['NKN/USDT'], 'asked for at once');
    const lagging = ahead.onFrame(NKN.snapshot, 0);
    assert.deepEqual([types(lagging), fetches(lagging)], [[], ['NKN/USDT']], 'REST behind the stream (752 < 754): fetched again');
    const session = binanceSession(['NKN/USDT']);
    session.onFrame(NKN.diffs[0]!, 0); // U–u 750–752
    assert.deepEqual(fetches(session.resync('NKN/USDT', 'stale_data', 0)), ['NKN/USDT']);
    assert.deepEqual(types(session.onFrame(NKN.snapshot, 0)), ['book_snapshot'], 'holds all the stream showed: live');
    assert.deepEqual(types(session.onFrame(NKN.diffs[1]!, 0)), ['book_update'], 'the next diff continues it');
    assert.equal(session.updateIdOf('NKN/USDT'), 499869754);
    const unknown = session.resync('DOGE/USDT', 'sequence_gap', 0);
    assert.deepEqual(codes(unknown), ['warn:resync_unknown_symbol']);
  });
});

describe('binance session: frames that are not data', () => {
  it('serverShutdown (raw and combined) → server_shutdown event and an info report', () => {
    const session = binanceSession(['BTC/USDT']);
    for (const text of ['{"e":"serverShutdown","E":1770123456789}', '{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}']) {
      const output = session.onFrame(text, 0);
      assert.deepEqual(output.events, [{ type: 'server_shutdown' }]);
      assert.deepEqual(codes(output), ['info:server_shutdown']);
      assert.match(reports(output)[0]!.message, /2026-02-03T12:57:36\.789Z/);
    }
  });

  it('unused streams are handled values, reported once per kind at debug', () => {
    const session = binanceSession(['BTC/USDT']);
    const tickers = TESTNET.filter((frame) => frame.includes('@bookTicker'));
    assert.deepEqual(codes(session.onFrame(tickers[0]!, 0)), ['debug:unused_stream']);
    assert.deepEqual(session.onFrame(tickers[1]!, 0), { events: [], actions: [] });
  });

  it('invalid JSON: malformed_frame, and a resync of the symbol it names when it may have carried diffs', () => {
    const session = binanceSession(['NKN/USDT', 'ETH/USDT']);
    const feed = binanceStore(['NKN/USDT']);
    for (const frame of NKN.diffs.slice(0, 2)) applyOutput(feed, session.onFrame(frame, 0));
    applyOutput(feed, session.onFrame(NKN.snapshot, 0));
    const cut = NKN.diffs[2]!.slice(0, 90);
    const output = session.onFrame(cut, 0);
    assert.deepEqual(codes(output), ['warn:malformed_frame']);
    assert.deepEqual(resyncs(output), ['NKN/USDT:malformed_frame']);
    const anonymous = session.onFrame('{"stream":"x@depth@100ms","data":{"e":"depthUp', 0);
    assert.deepEqual(resyncs(anonymous), ['NKN/USDT:malformed_frame'], 'no symbol named: every synced book (ETH/USDT is buffering: the bridging checks catch a hole there)');
    const trade = session.onFrame(TESTNET[0]!.slice(0, 60), 0);
    assert.deepEqual([codes(trade), resyncs(trade)], [['warn:malformed_frame'], []]);
  });

  it('unknown shapes → unknown_message; a used stream with a wrong shape → malformed_frame', () => {
    const session = binanceSession(['BTC/USDT']);
    assert.deepEqual(codes(session.onFrame('{"hello":"world"}', 0)), ['warn:unknown_message']);
    const wrong = session.onFrame('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","s":"BTCUSDT","U":"1"}}', 0);
    assert.deepEqual([codes(wrong), resyncs(wrong)], [['warn:malformed_frame'], []], 'buffering with no attempt yet: nothing to resync');
  });

  it('a snapshot frame for a symbol not awaiting one, or not carried, is ignored with a report', () => {
    const session = binanceSession(['BTC/USDT']);
    assert.deepEqual(codes(session.onFrame(binanceRestSnapshot.frame('BTC/USDT', TESTNET_SNAPSHOT), 0)), ['debug:snapshot_ignored']);
    assert.deepEqual(codes(session.onFrame(binanceRestSnapshot.frame('ETH/USDT', TESTNET_SNAPSHOT), 0)), ['warn:unexpected_symbol']);
  });

  it('a REST error body in the snapshot frame: warn, and a resync of the attempt waiting for it', () => {
    const session = binanceSession(['BTC/USDT']);
    session.onFrame(TESTNET[2]!, 0);
    const output = session.onFrame(binanceRestSnapshot.frame('BTC/USDT', '{"code":-1121,"msg":"Invalid symbol."}'), 0);
    assert.deepEqual(codes(output), ['warn:snapshot_invalid']);
    assert.match(reports(output)[0]!.message, /REST error code -1121: Invalid symbol\./);
    assert.deepEqual(resyncs(output), ['BTC/USDT:malformed_frame']);
  });
});
