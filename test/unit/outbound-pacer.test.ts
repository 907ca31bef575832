import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundPacer } from '../../src/feed/outbound-pacer.ts';
import { BINANCE_OUTBOUND_RATE } from '../../src/exchanges/binance/spec.ts';
import { PacedSender } from '../../src/feed/paced-sender.ts';
import { MessageWindow } from '../../src/sim/binance/message-window.ts';

describe('OutboundPacer', () => {
  it('allows a burst, then paces to the rate, never above it', () => {
    const pacer = new OutboundPacer(5, 5, 0);
    assert.equal(pacer.waitMs(0), 0, 'a full bucket: no wait');
    for (let i = 0; i < 5; i++) assert.equal(pacer.take(0), true);
    assert.equal(pacer.take(0), false);
    assert.equal(pacer.waitMs(0), 200);
    assert.equal(pacer.take(199), false);
    assert.equal(pacer.take(200), true);
    let sent = 0;
    for (let t = 200; t <= 10_200; t += 10) if (pacer.take(t)) sent++;
    assert.equal(sent, 50, '5/s for 10 s: one slot every 200 ms, from 400 to 10 200');
  });
});

describe('PacedSender', () => {
  it('writes in order, within the rate; pings jump the queue; stop drops the rest', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const written: string[] = [];
    const sender = new PacedSender<string>({ perSecond: 5, burst: 2 }, () => now, (payload) => written.push(payload));
    for (let i = 1; i <= 6; i++) sender.send(`sub ${i}`);
    assert.deepEqual(written, ['sub 1', 'sub 2'], 'the burst goes at once');
    sender.send('ping', true);
    now = 200;
    t.mock.timers.tick(200);
    assert.deepEqual(written.slice(2), ['ping'], 'the ping goes first, one slot per 200 ms');
    now = 400;
    t.mock.timers.tick(200);
    assert.deepEqual(written.slice(3), ['sub 3']);
    sender.stop();
    now = 2_000;
    t.mock.timers.tick(1_600);
    assert.equal(written.length, 4, 'nothing after stop');
    assert.equal(sender.queued, 0);
    sender.send('late');
    sender.send('late ping', true);
    now = 10_000;
    t.mock.timers.tick(8_000);
    assert.deepEqual([written.length, sender.queued], [4, 0], 'a stopped sender takes nothing more');
  });
});

describe('PacedSender at Binance\'s rate', () => {
  it('a backlog goes out at exactly 4 per sliding second, under the venue\'s 5 (pongs and requests alike)', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const window = new MessageWindow(1_000);
    const counts: number[] = [];
    const sender = new PacedSender<number>(BINANCE_OUTBOUND_RATE, () => now, () => counts.push(window.record(now)));
    for (let i = 0; i < 40; i++) sender.send(i);
    for (; now < 10_000; now++) t.mock.timers.tick(1);
    assert.equal(counts.length, 40, 'all 40 sent within 10 s (one at once, then one per 250 ms)');
    assert.equal(Math.max(...counts), 4, 'paced at its own limit, never over it');
    assert.equal(counts.filter((count) => count === 4).length, 40 - 3, 'from the fourth message on, every second is full');
    assert.equal(sender.queued, 0);
  });
});
