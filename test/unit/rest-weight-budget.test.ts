import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBody, errorText, parseRetryAfter, parseUsedWeight } from '../../src/feed/rest-response.ts';
import { RestWeightBudget } from '../../src/feed/rest-weight-budget.ts';

// Binance: 6000 per minute per IP; half of it is ours. A limit-1000 depth snapshot weighs 50, limit-5000 250.
const limits = { perWindow: 6000, windowMs: 60_000, share: 0.5 };

describe('RestWeightBudget: our own requests', () => {
  it('lets requests go while they fit in our share of the window', () => {
    const budget = new RestWeightBudget(limits);
    assert.equal(budget.allowance, 3000);
    for (let i = 0; i < 12; i++) {
      assert.equal(budget.freeAt(250, i * 100), i * 100);
      budget.reserve(250, i * 100);
    }
    assert.equal(budget.used(1_100), 3000);
  });

  it('makes the next request wait until enough weight leaves the sliding window', () => {
    const budget = new RestWeightBudget(limits);
    for (let i = 0; i < 12; i++) budget.reserve(250, i * 1_000);
    assert.equal(budget.freeAt(250, 20_000), 60_000, 'the first one (sent at 0) leaves the window at 60 000');
    assert.equal(budget.freeAt(500, 20_000), 61_000, 'twice the weight: the second one must leave too');
    assert.equal(budget.freeAt(250, 60_000), 60_000);
    assert.equal(budget.used(60_000), 2750);
  });

  it('never exceeds the allowance over any window, whatever the request mix', () => {
    const budget = new RestWeightBudget(limits);
    const weights = [5, 25, 50, 250];
    const sent: { at: number; weight: number }[] = [];
    let now = 0;
    for (let i = 0; i < 500; i++) {
      const weight = weights[i % weights.length]!;
      now = budget.freeAt(weight, now);
      budget.reserve(weight, now);
      sent.push({ at: now, weight });
      const inWindow = sent.filter((s) => s.at > now - limits.windowMs).reduce((sum, s) => sum + s.weight, 0);
      assert.ok(inWindow <= 3000, `${inWindow} in the window ending at ${now}`);
    }
  });

  it('lets a request heavier than the whole allowance go alone into an empty window rather than never', () => {
    const budget = new RestWeightBudget({ perWindow: 100, windowMs: 1_000, share: 0.5 });
    assert.equal(budget.freeAt(250, 0), 0);
    budget.reserve(250, 0);
    assert.equal(budget.freeAt(250, 10), 1_000);
  });
});

describe('RestWeightBudget: the venue\'s used-weight header', () => {
  it('waits when the IP total (other programs included) would go over the venue\'s limit', () => {
    const budget = new RestWeightBudget(limits);
    const id = budget.reserve(50, 0);
    budget.observeServer(5_900, id, 100);
    assert.equal(budget.serverUsed(100), 5_900);
    assert.equal(budget.freeAt(50, 200), 200, '5900 + 50 fits the 6000 limit');
    assert.equal(budget.freeAt(250, 200), 60_100, 'one window after the reading, all it counted is gone');
    assert.equal(budget.freeAt(250, 60_100), 60_100);
    assert.equal(budget.serverUsed(60_100), undefined, 'the reading expired');
  });

  it('adds our requests sent after the venue answered, which its figure does not count yet', () => {
    const budget = new RestWeightBudget(limits);
    const first = budget.reserve(50, 0);
    budget.reserve(50, 10);
    budget.reserve(50, 20);
    budget.observeServer(5_860, first, 30);
    assert.equal(budget.freeAt(50, 40), 60_030, '5860 + 2 × 50 unseen + 50 > 6000');
    const newer = budget.reserve(0, 40);
    budget.observeServer(5_900, newer, 50);
    assert.equal(budget.freeAt(50, 60), 60, 'the newer reading counts them all');
  });

  it('keeps the newer reading when answers arrive out of order', () => {
    const budget = new RestWeightBudget(limits);
    const a = budget.reserve(50, 0);
    const b = budget.reserve(50, 0);
    budget.observeServer(4_000, b, 10);
    budget.observeServer(100, a, 20);
    assert.equal(budget.serverUsed(20), 4_000);
    const c = budget.reserve(50, 30);
    budget.observeServer(4_100, c, 40);
    assert.equal(budget.serverUsed(40), 4_100, 'a newer reading replaces an older one');
    budget.observeServer(200, b, 60_039);
    assert.equal(budget.serverUsed(60_039), 4_100, 'an older answer within the newer reading\'s window is ignored');
    budget.observeServer(200, b, 60_040);
    assert.equal(budget.serverUsed(60_040), 200, 'once the newer reading has expired, any reading is better than none');
  });

  it('the reading counts the request it answered: exactly at the venue\'s limit still fits', () => {
    const budget = new RestWeightBudget({ ...limits, share: 1 });
    const id = budget.reserve(250, 0);
    budget.observeServer(5_750, id, 10);
    assert.equal(budget.freeAt(250, 20), 20, '5750 (our 250 included) + 250 = 6000: at the limit, not over');
    assert.equal(budget.freeAt(251, 20), 60_010);
  });

  it('holds both limits: ours and the IP\'s', () => {
    const budget = new RestWeightBudget(limits);
    let id = 0;
    for (let i = 0; i < 12; i++) id = budget.reserve(250, 0);
    budget.observeServer(3_000, id, 0);
    assert.equal(budget.freeAt(250, 1_000), 60_000, 'our share is used up although the IP has room');
  });
});

describe('REST answer helpers', () => {
  it('reads the used-weight header', () => {
    assert.equal(parseUsedWeight('1234'), 1234);
    assert.equal(parseUsedWeight(' 7 '), 7);
    assert.equal(parseUsedWeight(null), undefined);
    assert.equal(parseUsedWeight('12a'), undefined);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('120', 1000, 0), 120_000);
    assert.equal(parseRetryAfter('2', 10, 0), 20, 'tests shorten a second');
    const now = Date.parse('2026-11-25T10:00:00Z');
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 10:02:00 GMT', 1000, now), 120_000);
    assert.equal(parseRetryAfter('soon', 1000, now), undefined);
    assert.equal(parseRetryAfter(null, 1000, now), undefined);
  });

  it('describes an error body briefly', () => {
    assert.equal(describeBody('{"code":-1121,"msg":"Invalid symbol."}'), '-1121 Invalid symbol.');
    assert.equal(describeBody('<html>\n  <body>blocked</body></html>'), '<html> <body>blocked</body></html>');
    assert.equal(describeBody(''), '(empty body)');
    assert.equal(describeBody('x'.repeat(500)).length, 200);
  });

  it('names the cause of a fetch failure', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(errorText(new TypeError('fetch failed', { cause })), 'fetch failed: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(errorText('boom'), 'boom');
  });
});
