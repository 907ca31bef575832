import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundPacer } from '../../src/feed/outbound-pacer.ts';
import { PacedSender } from '../../src/feed/paced-sender.ts';

describe('OutboundPacer', () => {
  it('allows a burst, then paces to the rate, never above it', () => {
    const pacer = new OutboundPacer(5, 5, 0);
    for (let i = 0; i < 5; i++) assert.equal(pacer.take(0), true);
    assert.equal(pacer.take(0), false);
    assert.equal(pacer.waitMs(0), 200);
    assert.equal(pacer.take(199), false);
    assert.equal(pacer.take(200), true);
    let sent = 0;
    for (let t = 200; t <= 10_200; t += 10) if (pacer.take(t)) sent++;
    assert.ok(sent <= 50 && sent >= 49, `${sent} messages in 10 s at 5/s`);
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
  });
});
