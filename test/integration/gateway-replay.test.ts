// Every real Kraken capture, played back the way Kraken sent it, through the real gateway: the store ends with
// exactly the exchange's book and every exchange checksum verified (no mismatch).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGateway } from '../../src/gateway.ts';
import { startKrakenReplayServer } from '../../src/sim/kraken/replay-server.ts';
import { metricValue, testConfig } from '../support/gateway-stack.ts';
import { KRAKEN_CAPTURES } from '../support/kraken-fixtures.ts';
import { waitFor } from '../support/wait-for.ts';

const CAPTURES = [
  { file: 'crossbook_kraken_btcusd_d10_l2.cbcap', symbol: 'BTC/USD', depth: 10 },
  { file: 'crossbook_kraken_ethusd_d25.cbcap', symbol: 'ETH/USD', depth: 25 },
  { file: 'crossbook_kraken_xrpusd_d25.cbcap', symbol: 'XRP/USD', depth: 25 },
] as const;

describe('gateway on replayed real Kraken traffic', () => {
  for (const capture of CAPTURES) {
    it(`${capture.symbol} depth ${capture.depth}: final book equals the exchange's, 0 checksum mismatches`, async () => {
      const replay = await startKrakenReplayServer({ host: '127.0.0.1', port: 0, speed: 0,
        captures: [{ file: new URL(capture.file, KRAKEN_CAPTURES) }] });
      const gateway = createGateway(testConfig(replay.url, { symbols: [capture.symbol], bookDepth: capture.depth, staleAfterMs: 60_000 }));
      try {
        await gateway.start();
        const expected = replay.expectedFinalBook(capture.depth, capture.symbol);
        await waitFor(() => {
          const view = gateway.store.get('kraken', capture.symbol);
          return view?.state === 'live' && replay.streamsCompleted >= 1
            && JSON.stringify([view.book.topLevels('bids', 1000), view.book.topLevels('asks', 1000)])
              === JSON.stringify([expected.bids, expected.asks]);
        }, 15_000, 'final book');
        assert.equal(await metricValue(gateway, 'mgw_book_checksum_mismatches_total'), 0);
        assert.equal(await metricValue(gateway, 'mgw_book_resyncs_total'), 0);
        assert.equal(gateway.store.get('kraken', capture.symbol)!.version, replay.bookFrameCount(capture.symbol),
          'every book frame applied once and verified');
      } finally {
        await gateway.stop();
        await replay.stop();
      }
    });
  }
});
