// The Kraken soak's faults: each is a short procedure on the simulator's fault knobs (inject, and where the fault
// has a second half — resume after a stall, online after maintenance, un-silence — do it once the gateway reacted).
// Every wait is condition-based with a deadline. What the gateway must do is checked by the caller (recovery,
// books vs truth); a procedure reports only what it saw go wrong on the way.
import type { SeededRandom } from '../../src/sim/seeded-random.ts';
import type { KrakenSimulator } from '../../src/sim/kraken/server.ts';
import type { StatusSeen } from './bot.ts';
import type { FaultContext, FaultPlan, FaultProcedureResult } from './venue.ts';

export const KRAKEN_FAULT_KINDS = [
  'corrupt-checksum', 'drop-1006', 'drop-1001', 'drop-1013', 'stall', 'stop-heartbeats', 'reject-503', 'reject-429',
  'maintenance', 'silent-subscription',
] as const;

export type KrakenFaultKind = (typeof KRAKEN_FAULT_KINDS)[number];

/** Draws the details of one fault (symbol, rejection count) from the seeded generator. */
export function planKrakenFault(kind: string, random: SeededRandom, symbols: readonly string[]): FaultPlan {
  switch (kind) {
    case 'corrupt-checksum':
      // A resync may escalate to a reconnect once the symbol used its resync budget.
      return { kind, symbol: random.pick(symbols), disrupts: true, detectReason: 'checksum_mismatch', cost: 1 };
    case 'maintenance':
      return { kind, disrupts: true, detectReason: 'maintenance', cost: 1 };
    case 'stop-heartbeats':
      return { kind, disrupts: false, cost: 0 };
    case 'reject-503':
    case 'reject-429': {
      const rejections = random.int(1, kind === 'reject-503' ? 3 : 2);
      return { kind, count: rejections, disrupts: true, cost: rejections + 1 };
    }
    case 'silent-subscription':
      // The drop that opens a fresh connection is seen at once; the silence only by the snapshot deadline.
      return { kind, symbol: random.pick(symbols), disrupts: true, detectReason: 'snapshot_timeout', cost: 2 };
    case 'stall':
      return { kind, disrupts: true, cost: 2 };
    default:
      return { kind, disrupts: true, cost: 1 };
  }
}

/** The status (of one bot's non-live statuses since the fault, in order) showing the gateway noticed the fault. */
export function krakenDetectionAt(plan: FaultPlan, statuses: readonly StatusSeen[]): StatusSeen | undefined {
  if (plan.kind === 'silent-subscription') {
    // The drop that opens the fresh connection is not the detection. The silence is noticed by the snapshot
    // deadline (status snapshot_timeout) or, with the resync budget used up, by a reconnect (stale once more).
    let resubscribing = false;
    for (const status of statuses) {
      if (status.symbol !== plan.symbol) continue;
      if (status.reason === 'snapshot_timeout') return status;
      if (status.state === 'resyncing') resubscribing = true;
      else if (status.state === 'stale' && resubscribing) return status;
    }
    return undefined;
  }
  return plan.detectReason === undefined ? statuses[0] : statuses.find((status) => status.reason === plan.detectReason);
}

const DROP_CODES = { 'drop-1006': 1006, 'drop-1001': 1001, 'drop-1013': 1013 } as const;

/** Injects the fault and runs its second half. Resolves when the simulator is back to normal behaviour. */
export async function runKrakenFault(sim: KrakenSimulator, plan: FaultPlan, ctx: FaultContext,
  staleAfterMs: number): Promise<FaultProcedureResult> {
  const notes: string[] = [];
  const problems: string[] = [];
  let judge: FaultProcedureResult['judge'];
  switch (plan.kind) {
    case 'corrupt-checksum':
      sim.corruptNextChecksum(plan.symbol!);
      judge = (deltas) => (deltas.checksumMismatches < 1 ? ['mgw_book_checksum_mismatches_total did not count the bad checksum'] : []);
      break;
    case 'drop-1006':
    case 'drop-1001':
    case 'drop-1013':
      sim.dropConnections(DROP_CODES[plan.kind]);
      break;
    case 'stall': {
      sim.stall();
      ctx.upstream.stallStarted(ctx.nowMs());
      // Held until the gateway's watchdog gives up on the connection (stale data or missing pong).
      const fired = await ctx.waitUntil(() => ctx.detected(), staleAfterMs + 3000);
      sim.resume();
      ctx.upstream.stallEnded(ctx.nowMs());
      if (!fired) problems.push(`no watchdog fired within ${staleAfterMs + 3000} ms of a stall`);
      else notes.push('resumed after the watchdog fired');
      break;
    }
    case 'stop-heartbeats': {
      // Data keeps flowing: nothing should happen. Held past the data watchdog so a heartbeat-based one would fire.
      sim.stopHeartbeats(true);
      const holdMs = staleAfterMs + 1000;
      const disrupted = await ctx.waitUntil(() => ctx.detected(), holdMs);
      sim.stopHeartbeats(false);
      // A disruption is reported by the cycle (a fault bots must not see); the note says what was held.
      notes.push(`no heartbeats for ${holdMs} ms${disrupted ? ', bots disrupted' : ', no disruption'}`);
      break;
    }
    case 'reject-503':
    case 'reject-429': {
      const status = plan.kind === 'reject-503' ? 503 : 429;
      const before = sim.handshakesRejected;
      sim.rejectHandshakes(status, plan.count!);
      sim.dropConnections(1006);
      const all = await ctx.waitUntil(() => sim.handshakesRejected >= before + plan.count!, ctx.recoverDeadlineMs);
      if (!all) problems.push(`only ${sim.handshakesRejected - before} of ${plan.count} rejections were used`);
      if (!all) sim.rejectHandshakes(status, 0);
      judge = (deltas) => {
        const counted = deltas.handshakeRejections[String(status)] ?? 0;
        return counted < plan.count! ? [`mgw_upstream_handshake_rejections_total{status="${status}"} +${counted}, expected +${plan.count}`] : [];
      };
      break;
    }
    case 'maintenance': {
      sim.sendStatus('maintenance');
      const seen = await ctx.waitUntil(() => ctx.detected('maintenance'), 3000);
      sim.sendStatus('online');
      if (!seen) problems.push('no status with reason maintenance within 3000 ms of the venue status');
      break;
    }
    case 'silent-subscription': {
      // A fresh connection whose subscriptions to one symbol are acked but never fed; un-silenced once the
      // gateway subscribed (book and trade), so only the gateway's own resubscribe can bring the book back.
      const symbol = plan.symbol!;
      const book = sim.subscribeRequests(symbol, 'book');
      const trade = sim.subscribeRequests(symbol, 'trade');
      sim.silentSubscriptions(symbol, true);
      sim.dropConnections(1006);
      const subscribed = await ctx.waitUntil(
        () => sim.subscribeRequests(symbol, 'book') > book && sim.subscribeRequests(symbol, 'trade') > trade,
        ctx.recoverDeadlineMs);
      sim.silentSubscriptions(symbol, false);
      if (!subscribed) problems.push(`the gateway did not subscribe ${symbol} again within ${ctx.recoverDeadlineMs} ms`);
      else notes.push(`book and trade subscriptions of ${symbol} acked but silent`);
      break;
    }
  }
  return { notes, problems, judge };
}
