// The soak's faults: each is a short procedure on the simulator's fault knobs (inject, and where the fault has
// a second half — resume after a stall, online after maintenance, un-silence — do it once the gateway reacted).
// Every wait is condition-based with a deadline. What the gateway must do is checked by the caller (recovery,
// books vs truth); a procedure reports only what it saw go wrong on the way.
import type { SeededRandom } from '../src/sim/seeded-random.ts';
import type { KrakenSimulator } from '../src/sim/kraken/server.ts';
import type { StatusSeen } from './soak-bot.ts';

export const FAULT_KINDS = [
  'corrupt-checksum', 'drop-1006', 'drop-1001', 'drop-1013', 'stall', 'stop-heartbeats', 'reject-503', 'reject-429',
  'maintenance', 'silent-subscription',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  readonly kind: FaultKind;
  /** The symbol a per-symbol fault hits. */
  readonly symbol?: string;
  /** Handshake rejections in a row. */
  readonly rejections?: number;
  /** Bots must see a non-live status: the fault needs the gateway to act. */
  readonly disrupts: boolean;
  /** Detection is the first status with this reason (the gateway's own diagnosis), not just any. */
  readonly detectReason?: string;
  /** Worst-case upstream connection attempts it costs (the soak paces itself to the gateway's connect budget). */
  readonly cost: number;
}

export interface FaultContext {
  readonly sim: KrakenSimulator;
  readonly nowMs: () => number;
  /** Any bot saw a non-live status since the fault began; with `reason`, one with that reason. */
  detected(reason?: string): boolean;
  /** Polls `condition` until true (→ true) or the deadline (→ false). */
  waitUntil(condition: () => boolean, deadlineMs: number): Promise<boolean>;
  /** The gateway's data watchdog (staleAfterMs) and pong deadline, to size waits. */
  readonly staleAfterMs: number;
  readonly recoverDeadlineMs: number;
}

export interface FaultProcedureResult {
  /** What the procedure did beyond the injection (for the record). */
  readonly notes: string[];
  /** Failed expectations seen on the way (a watchdog that never fired, a disruption that should not be). */
  readonly problems: string[];
}

/** Draws the details of one fault (symbol, rejection count) from the seeded generator. */
export function planFault(kind: FaultKind, random: SeededRandom, symbols: readonly string[]): FaultPlan {
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
      return { kind, rejections, disrupts: true, cost: rejections + 1 };
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
export function detectionAt(plan: FaultPlan, statuses: readonly StatusSeen[]): StatusSeen | undefined {
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

export function describePlan(plan: FaultPlan): string {
  const details = [plan.symbol, plan.rejections === undefined ? undefined : `×${plan.rejections}`].filter((d) => d !== undefined);
  return details.length === 0 ? plan.kind : `${plan.kind} (${details.join(' ')})`;
}

const DROP_CODES = { 'drop-1006': 1006, 'drop-1001': 1001, 'drop-1013': 1013 } as const;

/** Injects the fault and runs its second half. Resolves when the simulator is back to normal behaviour. */
export async function runFault(plan: FaultPlan, ctx: FaultContext): Promise<FaultProcedureResult> {
  const { sim } = ctx;
  const notes: string[] = [];
  const problems: string[] = [];
  switch (plan.kind) {
    case 'corrupt-checksum':
      sim.corruptNextChecksum(plan.symbol!);
      break;
    case 'drop-1006':
    case 'drop-1001':
    case 'drop-1013':
      sim.dropConnections(DROP_CODES[plan.kind]);
      break;
    case 'stall': {
      sim.stall();
      // Held until the gateway's watchdog gives up on the connection (stale data or missing pong).
      const fired = await ctx.waitUntil(() => ctx.detected(), ctx.staleAfterMs + 3000);
      sim.resume();
      if (!fired) problems.push(`no watchdog fired within ${ctx.staleAfterMs + 3000} ms of a stall`);
      else notes.push('resumed after the watchdog fired');
      break;
    }
    case 'stop-heartbeats': {
      // Data keeps flowing: nothing should happen. Held past the data watchdog so a heartbeat-based one would fire.
      sim.stopHeartbeats(true);
      const holdMs = ctx.staleAfterMs + 1000;
      const disrupted = await ctx.waitUntil(() => ctx.detected(), holdMs);
      sim.stopHeartbeats(false);
      if (disrupted) problems.push('books left live although market data kept flowing (only heartbeats stopped)');
      else notes.push(`no heartbeats for ${holdMs} ms, no disruption`);
      break;
    }
    case 'reject-503':
    case 'reject-429': {
      const status = plan.kind === 'reject-503' ? 503 : 429;
      const before = sim.handshakesRejected;
      sim.rejectHandshakes(status, plan.rejections!);
      sim.dropConnections(1006);
      const all = await ctx.waitUntil(() => sim.handshakesRejected >= before + plan.rejections!, ctx.recoverDeadlineMs);
      if (!all) problems.push(`only ${sim.handshakesRejected - before} of ${plan.rejections} rejections were used`);
      if (!all) sim.rejectHandshakes(status, 0);
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
  return { notes, problems };
}
