import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BookStore } from '../../src/book/book-store.ts';
import type { BinanceSession } from '../../src/exchanges/binance/session.ts';
import { binanceRestSnapshot } from '../../src/exchanges/binance/spec.ts';
import type { SessionOutput, VenueEvent } from '../../src/exchanges/types.ts';
import { nknPair, readCapture, readFixture, readFixtureLines, sessionFrame, type CaptureLine } from '../support/binance-fixtures.ts';
import {
  applyOutput, binanceSession, binanceStore, codes, DEPTH, fetches, reports, resyncs, snapshotBody,
} from '../support/binance-replay.ts';

const types = (output: SessionOutput): string[] => output.events.map((event) => event.type);

const TEN_LINES = readCapture('capture-2021-04-17-spot-10sym.jsonl');
const SYMBOLS = ['BUSD/TRY', 'SWRV/BUSD', 'VET/ETH', 'QSP/BTC', 'AAVEUP/USDT', 'GTO/BTC', 'PERL/BNB', 'ONT/TRY', 'STEEM/ETH', 'ADA/RUB'];
const TESTNET = readFixtureLines('testnet-2026-09-13-btcusdt-stream.jsonl');
/**
 * The real testnet levels, re-dated to 1801513 so that they bridge the testnet stream (its own id is too old). Only for
 * the case that needs book and @trade frames of one symbol together (the 2021 captures carry @aggTrade, not @trade);
 * book handovers use the real NKNUSDT snapshot + diff pair.
 */
const TESTNET_SNAPSHOT_1801513 = binanceRestSnapshot.frame('BTC/USDT',
  readFixture('testnet-2026-09-13-btcusdt-depth-limit100.json').replace('"lastUpdateId":1801494', '"lastUpdateId":1801513'));

type Source = 'P' | 'S';
interface Arrival { readonly at: number; readonly source: Source; readonly line: CaptureLine }

/**
 * The predecessor gets every line; the successor gets the WS lines from `from` (inclusive) to `until` (exclusive),
 * each `lead` lines earlier than the predecessor does (its connection is faster). Ties: the predecessor first.
 */
function schedule(from: number, lead: number, until = Infinity): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const line of TEN_LINES) {
    if (line.src === 'ws-open') continue;
    arrivals.push({ at: line.line, source: 'P', line });
    if (line.src === 'ws' && line.line >= from && line.line < until) arrivals.push({ at: line.line - lead, source: 'S', line });
  }
  return arrivals.sort((a, b) => a.at - b.at || (a.source === 'P' ? -1 : 1));
}

function reference(): { store: BookStore; session: BinanceSession; updates: number } {
  const session = binanceSession(SYMBOLS);
  const store = binanceStore(SYMBOLS);
  let updates = 0;
  for (const line of TEN_LINES) {
    const frame = sessionFrame(line);
    if (frame === undefined) continue;
    const output = session.onFrame(frame, 0);
    applyOutput(store, output);
    updates += output.events.filter((event) => event.type === 'book_update').length;
  }
  return { store, session, updates };
}

function assertSameBooks(store: BookStore, expected: BookStore, symbols: readonly string[]): void {
  for (const symbol of symbols) {
    const book = store.get('binance', symbol)!.book;
    const want = expected.get('binance', symbol)!.book;
    assert.deepEqual(book.topLevels('bids', DEPTH), want.topLevels('bids', DEPTH), `${symbol} bids`);
    assert.deepEqual(book.topLevels('asks', DEPTH), want.topLevels('asks', DEPTH), `${symbol} asks`);
  }
}

function depthSymbol(line: CaptureLine): string | undefined {
  const frame = JSON.parse(line.raw!) as { data?: { e?: string; s?: string } };
  return frame.data?.e === 'depthUpdate' ? SYMBOLS.find((symbol) => symbol.replace('/', '') === frame.data!.s) : undefined;
}

const eventsOf = (outputs: readonly SessionOutput[], type: VenueEvent['type']): VenueEvent[] =>
  outputs.flatMap((output) => output.events).filter((event) => event.type === type);

describe('binance rotation (make-before-break)', () => {
  const clean = reference();

  for (const lead of [0, 3]) {
    it(`the successor continues every book with no snapshot (successor ${lead} lines ahead)`, () => {
      const store = binanceStore(SYMBOLS);
      const predecessor = binanceSession(SYMBOLS);
      predecessor.onOpen(0);
      let successor: BinanceSession | undefined;
      const bySource: Record<Source, SessionOutput[]> = { P: [], S: [] };
      const order: string[] = [];
      /** Successor diffs that left their book waiting in the handover buffer. */
      let waited = 0;
      for (const { source, line } of schedule(950, lead)) {
        if (source === 'S' && successor === undefined) {
          successor = binanceSession(SYMBOLS, { predecessor });
          const opened = successor.onOpen(0);
          assert.deepEqual(eventsOf([opened], 'handover_complete'), []);
        }
        const session = source === 'P' ? predecessor : successor!;
        const output = session.onFrame(sessionFrame(line)!, 0);
        applyOutput(store, output);
        bySource[source].push(output);
        const symbol = depthSymbol(line);
        if (source === 'S' && symbol !== undefined && successor!.phaseOf(symbol) === 'handover') waited++;
        for (const event of output.events) {
          if (event.type === 'book_continued' || event.type === 'handover_complete') order.push(event.type);
        }
      }
      const s = successor!;
      const continued = eventsOf(bySource.S, 'book_continued').map((event) => event.type === 'book_continued' && event.symbol);
      assert.deepEqual([...continued].sort(), [...SYMBOLS].sort(), 'book_continued once per symbol');
      assert.deepEqual(order, [...SYMBOLS.map(() => 'book_continued'), 'handover_complete']);
      assert.deepEqual(eventsOf(bySource.S, 'book_snapshot'), []);
      assert.deepEqual(bySource.S.flatMap(fetches), []);
      assert.deepEqual([...bySource.P, ...bySource.S].flatMap(resyncs), []);
      const updates = eventsOf([...bySource.P, ...bySource.S], 'book_update').length;
      assert.equal(updates, clean.updates, 'every diff applied exactly once across both sessions');
      assertSameBooks(store, clean.store, SYMBOLS);
      for (const symbol of SYMBOLS) {
        assert.equal(s.updateIdOf(symbol), clean.session.updateIdOf(symbol), symbol);
        assert.equal(predecessor.phaseOf(symbol), 'handed-over');
        assert.equal(predecessor.updateIdOf(symbol), undefined);
      }
      // Each handover applied the successor's buffer: with a lead, some buffered diffs went out at handover.
      const atHandover = bySource.S.filter((output) => output.events.some((event) => event.type === 'book_continued'))
        .flatMap((output) => output.events.filter((event) => event.type === 'book_update'));
      assert.deepEqual([atHandover.length, waited], lead === 0 ? [0, 0] : HANDOVER_WITH_LEAD_3);
    });
  }

  // Book handovers on a real snapshot + diff pair: NKNUSDT of the 2021-10-12 capture, snapshot 499869752 and its diffs
  // 750–752 (held by the snapshot), 753–754, 755–757, 758–759.
  const NKN = nknPair();
  const livePredecessor = (): BinanceSession => {
    const predecessor = binanceSession(['NKN/USDT']);
    predecessor.onFrame(NKN.diffs[0]!, 0);
    assert.deepEqual(types(predecessor.onFrame(NKN.snapshot, 0)), ['book_snapshot']);
    return predecessor;
  };

  it('the predecessor ignores diffs, snapshots and resyncs of books it handed over', () => {
    const predecessor = livePredecessor();
    const successor = binanceSession(['NKN/USDT'], { predecessor });
    const handover = successor.onFrame(NKN.diffs[1]!, 0);
    assert.deepEqual(handover.events.map((event) => event.type), ['book_update', 'book_continued', 'handover_complete']);
    assert.deepEqual(predecessor.onFrame(NKN.diffs[2]!, 0), { events: [], actions: [] });
    assert.deepEqual(codes(predecessor.resync('NKN/USDT', 'sequence_gap', 0)), ['debug:resync_ignored']);
    assert.deepEqual(codes(predecessor.onFrame(NKN.snapshot, 0)), ['debug:snapshot_ignored']);
    assert.deepEqual(successor.onFrame(NKN.diffs[2]!, 0).events.map((event) => event.type), ['book_update']);
    assert.equal(successor.updateIdOf('NKN/USDT'), 499869757);
  });

  it('a predecessor mid-resync: the successor takes the book and bridges it itself (no book_continued)', () => {
    const predecessor = binanceSession(['NKN/USDT']);
    predecessor.onFrame(NKN.diffs[0]!, 0);
    assert.deepEqual(fetches(predecessor.resync('NKN/USDT', 'sequence_gap', 0)), ['NKN/USDT'], 'its snapshot is on the way');
    const successor = binanceSession(['NKN/USDT'], { predecessor });
    const output = successor.onFrame(NKN.diffs[1]!, 0);
    assert.deepEqual(output.events.map((event) => event.type), ['handover_complete']);
    assert.deepEqual(fetches(output), ['NKN/USDT']);
    assert.deepEqual(codes(output), ['info:handover_rebridge']);
    const bridged = successor.onFrame(NKN.snapshot, 0);
    assert.deepEqual(bridged.events.map((event) => event.type), ['book_snapshot', 'book_update']);
    assert.equal(successor.updateIdOf('NKN/USDT'), 499869754);
    assert.deepEqual(codes(predecessor.onFrame(NKN.snapshot, 0)), ['debug:snapshot_ignored']);
  });

  it('takeOver(): a buffer the chain has reached continues; the predecessor stopped after the successor buffered', () => {
    const predecessor = livePredecessor();
    const successor = binanceSession(['NKN/USDT'], { predecessor });
    assert.deepEqual(successor.onFrame(NKN.diffs[2]!, 0), { events: [], actions: [] }, 'U=499869755: the chain is at 499869752');
    assert.equal(successor.phaseOf('NKN/USDT'), 'handover');
    assert.equal(predecessor.onFrame(NKN.diffs[1]!, 0).events.length, 1, 'the predecessor applies 753–754, then is gone');
    // Its own diffs connect to the chain, so it continues whether or not the predecessor was current.
    const output = successor.takeOver(0, false);
    assert.deepEqual(output.events.map((event) => event.type), ['book_update', 'book_continued', 'handover_complete']);
    assert.equal(successor.updateIdOf('NKN/USDT'), 499869757);
    assert.deepEqual(successor.takeOver(0, true), { events: [], actions: [] }, 'once');
  });

  it('takeOver(): a book rebuilt after the handover needs a snapshot holding every diff the successor buffered', () => {
    const predecessor = binanceSession(['BTC/USDT']);
    for (const frame of TESTNET.slice(2, 4)) predecessor.onFrame(frame, 0);
    predecessor.onFrame(TESTNET_SNAPSHOT_1801513, 0);
    const successor = binanceSession(['BTC/USDT'], { predecessor });
    for (const frame of TESTNET.slice(5, 7)) successor.onFrame(frame, 0); // U=1801515, 1801516: 1801514 missing
    assert.deepEqual(resyncs(successor.takeOver(0, true)), ['BTC/USDT:connection_lost']);
    assert.deepEqual(fetches(successor.resync('BTC/USDT', 'connection_lost', 0)), ['BTC/USDT']);
    const withId = (id: number): string => binanceRestSnapshot.frame('BTC/USDT',
      readFixture('testnet-2026-09-13-btcusdt-depth-limit100.json').replace('"lastUpdateId":1801494', `"lastUpdateId":${id}`));
    const lagging = successor.onFrame(withId(1801514), 0);
    assert.deepEqual([types(lagging), fetches(lagging)], [[], ['BTC/USDT']], 'older than the diffs this stream showed');
    assert.deepEqual(types(successor.onFrame(withId(1801516), 0)), ['book_snapshot']);
    assert.equal(successor.updateIdOf('BTC/USDT'), 1801516);
  });

  it('takeOver(): a book with no diff on the successor continues only if the predecessor was current', () => {
    const start = (): { predecessor: BinanceSession; successor: BinanceSession } => {
      const predecessor = livePredecessor();
      return { predecessor, successor: binanceSession(['NKN/USDT'], { predecessor }) };
    };
    const current = start();
    assert.deepEqual(current.successor.takeOver(0, true).events.map((event) => event.type), ['book_continued', 'handover_complete']);
    assert.deepEqual(types(current.successor.onFrame(NKN.diffs[1]!, 0)), ['book_update'], 'and its next diff continues it');
    // A stalled predecessor may have missed diffs sent before the successor's stream began: rebuild, never guess.
    const stalled = start();
    const taken = stalled.successor.takeOver(0, false);
    assert.deepEqual(resyncs(taken), ['NKN/USDT:connection_lost']);
    assert.deepEqual(taken.events.map((event) => event.type), ['handover_complete']);
    assert.equal(stalled.successor.feeds('NKN/USDT'), true);
    assert.equal(stalled.predecessor.feeds('NKN/USDT'), false, 'the predecessor no longer feeds it, nor resyncs it');
  });

  it('takeOver() after a predecessor that missed diffs: every book not handed over is rebuilt (connection_lost), none guessed', () => {
    // The predecessor stops at line 1000; the successor connects at 1130 and gets every line from there, its
    // handover timing out at 1180: diffs between 1000 and 1130 reached neither session. A reference session
    // replays everything; its books answer the successor's snapshot fetches (the connector's REST source).
    const ref = binanceSession(SYMBOLS);
    const refStore = binanceStore(SYMBOLS);
    const store = binanceStore(SYMBOLS);
    const predecessor = binanceSession(SYMBOLS);
    const successor = binanceSession(SYMBOLS, { predecessor });
    const gaps: string[] = [];
    const rebuilt: string[] = [];
    const run = (output: SessionOutput): void => {
      applyOutput(store, output);
      for (const action of output.actions) {
        if (action.type === 'resync') {
          if (action.reason === 'sequence_gap') gaps.push(action.symbol);
          run(successor.resync(action.symbol, action.reason, 0));
        } else if (action.type === 'fetch-snapshot') {
          rebuilt.push(action.symbol);
          run(successor.onFrame(binanceRestSnapshot.frame(action.symbol,
            snapshotBody(refStore, action.symbol, ref.updateIdOf(action.symbol)!)), 0));
        }
      }
    };
    let pending: string[] = [];
    for (const line of TEN_LINES) {
      const frame = sessionFrame(line);
      if (frame === undefined) continue;
      applyOutput(refStore, ref.onFrame(frame, 0));
      if (line.line === 1180) {
        pending = SYMBOLS.filter((symbol) => successor.phaseOf(symbol) === 'handover');
        // The predecessor stopped long before (it missed 1000–1130): not current.
        const taken = successor.takeOver(0, false);
        assert.deepEqual(resyncs(taken), pending.map((symbol) => `${symbol}:connection_lost`));
        assert.deepEqual(types(taken), ['handover_complete'], 'no book continued: none of their buffers reaches the chain');
        for (const symbol of pending) assert.equal(successor.phaseOf(symbol), 'halted');
        run(taken);
        // run() answers each resync's immediate fetch with a current snapshot: those books are synced again at once.
        for (const symbol of pending) assert.equal(successor.phaseOf(symbol), 'synced');
      }
      if (line.line < 1000) applyOutput(store, predecessor.onFrame(frame, 0));
      else if (line.line >= 1130 && line.src === 'ws') run(successor.onFrame(frame, 0));
    }
    assert.deepEqual(pending, TAKEOVER_PENDING);
    // No book was continued on a guess, so none of them found a gap later: each was rebuilt from a snapshot.
    assert.deepEqual(gaps, []);
    assert.deepEqual(rebuilt, TAKEOVER_PENDING);
    // Books with no diff on the successor (GTO/BTC, PERL/BNB, BUSD/TRY) missed the 1000–1130 diffs too; rebuilding
    // rather than continuing them leaves every book equal to the reference.
    for (const symbol of SYMBOLS) assert.equal(successor.updateIdOf(symbol), ref.updateIdOf(symbol), symbol);
    assertSameBooks(store, refStore, SYMBOLS);
  });

  it('a successor asked to resync a book it has not taken over takes it and bridges it', () => {
    const predecessor = livePredecessor();
    const successor = binanceSession(['NKN/USDT'], { predecessor });
    const output = successor.resync('NKN/USDT', 'crossed_book', 0);
    assert.deepEqual(output, { events: [{ type: 'handover_complete' }], actions: [{ type: 'fetch-snapshot', symbol: 'NKN/USDT' }] });
    assert.deepEqual(fetches(successor.onFrame(NKN.diffs[1]!, 0)), [], 'the snapshot is already asked for');
    assert.deepEqual(predecessor.onFrame(NKN.diffs[1]!, 0), { events: [], actions: [] });
  });
});

describe('binance rotation: trades', () => {
  const TRADES = TESTNET.filter((frame) => frame.includes('@trade'));
  const ids = (outputs: readonly SessionOutput[]): string[] =>
    outputs.flatMap((output) => output.events).flatMap((event) => event.type === 'trades' ? event.trades.map((trade) => trade.tradeId) : []);

  it('each trade id is emitted exactly once while both connections carry the stream', () => {
    const predecessor = binanceSession(['BTC/USDT']);
    const p: SessionOutput[] = [predecessor.onFrame(TRADES[0]!, 0), predecessor.onFrame(TRADES[1]!, 0)];
    const successor = binanceSession(['BTC/USDT'], { predecessor });
    const s: SessionOutput[] = [];
    const merged: SessionOutput[] = [...p];
    // The successor is two trades ahead: it sees 388514 and 388515 before the predecessor has seen 388512.
    for (const [who, index] of [['S', 4], ['S', 5], ['P', 2], ['P', 3], ['S', 6], ['P', 4], ['P', 5], ['P', 6]] as const) {
      const output = (who === 'P' ? predecessor : successor).onFrame(TRADES[index]!, 0);
      (who === 'P' ? p : s).push(output);
      merged.push(output);
    }
    assert.deepEqual(ids(merged), ['388510', '388511', '388512', '388513', '388514', '388515', '388516']);
    assert.deepEqual(ids(s), ['388514', '388515', '388516'], 'held until the predecessor reached 388513, then released in order');
    assert.deepEqual(ids(p), ['388510', '388511', '388512', '388513']);
    assert.equal(predecessor.duplicateTradesOf('BTC/USDT')! + successor.duplicateTradesOf('BTC/USDT')!, 3);
  });

  it('takeOver() releases held trades not emitted yet', () => {
    const predecessor = binanceSession(['BTC/USDT']);
    predecessor.onFrame(TRADES[0]!, 0);
    const successor = binanceSession(['BTC/USDT'], { predecessor });
    assert.deepEqual(successor.onFrame(TRADES[3]!, 0).events, []);
    assert.deepEqual(successor.onFrame(TRADES[4]!, 0).events, []);
    const taken = successor.takeOver(0, true);
    assert.deepEqual(ids([taken]), ['388513', '388514']);
    assert.deepEqual(reports(taken).filter((report) => report.code === 'trades_missed').map((report) => report.message),
      ['binance BTC/USDT: trades 388511–388512 reached neither connection of the rotation'], 'the loss is reported');
    assert.deepEqual(ids([successor.onFrame(TRADES[5]!, 0)]), ['388515']);
  });

  it('a handed-over book does not release trades that jump ahead; the handover completes once they connect', () => {
    const predecessor = binanceSession(['BTC/USDT']);
    for (const frame of [TESTNET[2]!, TESTNET[3]!, TRADES[0]!]) predecessor.onFrame(frame, 0);
    predecessor.onFrame(TESTNET_SNAPSHOT_1801513, 0);
    const successor = binanceSession(['BTC/USDT'], { predecessor });
    assert.deepEqual(successor.onFrame(TRADES[3]!, 0).events, [], '388513 waits: the chain is at 388510');
    const handed = successor.onFrame(TESTNET[4]!, 0);
    assert.deepEqual(types(handed), ['book_update', 'book_continued'], 'the book continues, the trades still wait');
    assert.deepEqual(ids([predecessor.onFrame(TRADES[1]!, 0)]), ['388511']);
    assert.deepEqual(ids([predecessor.onFrame(TRADES[2]!, 0)]), ['388512']);
    const released = successor.onFrame(TESTNET[5]!, 0);
    assert.deepEqual(ids([released]), ['388513'], 'released in order once the predecessor delivered 388511–388512');
    assert.equal(types(released).at(-1), 'handover_complete');
  });

  it('a symbol with no trade yet on the chain: the successor emits at once', () => {
    const predecessor = binanceSession(['BTC/USDT']);
    const successor = binanceSession(['BTC/USDT'], { predecessor });
    assert.deepEqual(ids([successor.onFrame(TRADES[2]!, 0)]), ['388512']);
    assert.deepEqual(ids([predecessor.onFrame(TRADES[2]!, 0), predecessor.onFrame(TRADES[3]!, 0)]), ['388513']);
  });
});

/**
 * 3 lines ahead: book updates the successor applied from its own buffer at handover, and successor diffs that had to
 * wait in the buffer for the predecessor to catch up (measured once, frozen).
 */
const HANDOVER_WITH_LEAD_3: [number, number] = [10, 1];
// The takeOver() test, measured once and frozen: symbols still waiting for the handover at 1180.
const TAKEOVER_PENDING = ['BUSD/TRY', 'SWRV/BUSD', 'VET/ETH', 'QSP/BTC', 'AAVEUP/USDT', 'GTO/BTC', 'PERL/BNB', 'ONT/TRY'];
