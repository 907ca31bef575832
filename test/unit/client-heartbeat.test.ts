// ClientHeartbeat: our ping every interval on a venue that expects one, and a pong deadline. Pure: the clock is an
// argument.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientHeartbeat } from '../../src/feed/client-heartbeat.ts';

describe('ClientHeartbeat', () => {
  it('pings one interval after the open, then every interval while pongs come back', () => {
    const heartbeat = new ClientHeartbeat(true, 1_000, 300);
    heartbeat.opened(5_000);
    assert.equal(heartbeat.due(5_999), undefined);
    assert.equal(heartbeat.due(6_000), 'ping');
    assert.equal(heartbeat.due(6_000), undefined, 'once per interval');
    heartbeat.pong();
    assert.equal(heartbeat.due(6_999), undefined);
    assert.equal(heartbeat.due(7_000), 'ping');
  });

  it('no pong within the timeout → pong_timeout, one millisecond past the deadline, not before', () => {
    const heartbeat = new ClientHeartbeat(true, 1_000, 300);
    heartbeat.opened(0);
    assert.equal(heartbeat.due(1_000), 'ping');
    assert.equal(heartbeat.due(1_300), undefined);
    assert.equal(heartbeat.due(1_301), 'pong_timeout');
  });

  it('a ping sent while a pong is still awaited keeps the first deadline', () => {
    const heartbeat = new ClientHeartbeat(true, 100, 250);
    heartbeat.opened(0);
    assert.equal(heartbeat.due(100), 'ping');
    assert.equal(heartbeat.due(200), 'ping');
    assert.equal(heartbeat.due(300), 'ping');
    assert.equal(heartbeat.due(351), 'pong_timeout', 'deadline from the first unanswered ping (100 + 250)');
  });

  it('a pong clears the deadline: the next one starts at the next ping', () => {
    const heartbeat = new ClientHeartbeat(true, 100, 250);
    heartbeat.opened(0);
    assert.equal(heartbeat.due(100), 'ping');
    heartbeat.pong();
    assert.equal(heartbeat.due(351), 'ping', 'deadline now 601');
    assert.equal(heartbeat.due(450), undefined);
    assert.equal(heartbeat.due(601), 'ping', 'still within the deadline');
    assert.equal(heartbeat.due(602), 'pong_timeout');
  });

  it('disabled (the venue pings us): never a ping, never a deadline', () => {
    const heartbeat = new ClientHeartbeat(false, 100, 250);
    heartbeat.opened(0);
    for (const now of [0, 100, 1_000, 1e9]) assert.equal(heartbeat.due(now), undefined);
  });
});
