// What the soak needs of one venue, and nothing else: its simulator seen as the market's truth and as an upstream
// endpoint, the gateway's exchange config pointing at it, and its fault set. The soak's loop, bots, checks, metrics
// and report (main.ts, cycle.ts, checks.ts, report.ts) only ever talk to this interface;
// kraken.ts and binance.ts implement it.
import type { SeededRandom } from '../../src/sim/seeded-random.ts';
import type { StatusSeen } from './bot.ts';
import type { FaultMetricDeltas, MetricsScrape } from './metrics.ts';
import type { OutageWindow, UpstreamCounters, UpstreamWatch } from './upstream.ts';

export const VENUES = ['kraken', 'binance'] as const;
export type VenueName = (typeof VENUES)[number];

/** A [price, size] level, as bots, the gateway's HTTP book and the simulator's truth all hold it. */
export type Level = readonly [string, string];

export interface Sides {
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

/** One trade as the simulator made it, in the gateway's terms (size, taker side, epoch ms). */
export interface TruthTrade {
  readonly id: number;
  readonly price: string;
  readonly size: string;
  readonly side: string;
  readonly atMs: number;
}

/** The simulator's market: what every bot's book and trades are checked against. */
export interface MarketTruth {
  trueBook(symbol: string, depth: number): Sides;
  /** Every trade made so far, oldest first (ids increase by one). */
  trades(symbol: string): readonly TruthTrade[];
  /** Id of the last trade so far (cheap: polled). */
  lastTradeId(symbol: string): number | undefined;
  pauseMarket(): void;
  resumeMarket(): void;
}

export interface FaultPlan {
  readonly kind: string;
  /** The symbol a per-symbol fault hits. */
  readonly symbol?: string;
  /** How many times the fault repeats (handshake rejections, REST failures). */
  readonly count?: number;
  /** Retry-After of a REST 429/418, seconds. */
  readonly retryAfterS?: number;
  /** Bots must see a non-live status: the fault needs the gateway to act. Otherwise bots must see nothing. */
  readonly disrupts: boolean;
  /** A disruptive fault the gateway may also get through unseen (a race it can win); the procedure says which. */
  readonly maySpareBots?: boolean;
  /** Detection is the first status with this reason (the gateway's own diagnosis), not just any. */
  readonly detectReason?: string;
  /** Worst-case upstream connection attempts it costs (the soak paces itself to the gateway's connect budget). */
  readonly cost: number;
}

export interface FaultContext {
  readonly nowMs: () => number;
  /** Any bot saw a non-live status since the fault began; with `reason`, one with that reason. */
  detected(reason?: string): boolean;
  /** Polls `condition` until true (→ true) or the deadline (→ false). */
  waitUntil(condition: () => boolean | Promise<boolean>, deadlineMs: number): Promise<boolean>;
  /** The gateway's metrics now (rotation counters and the like). */
  metrics(): Promise<MetricsScrape>;
  /** When the gateway plans its next lifetime rotation (its /v1/status), epoch ms. */
  nextRotationAt(): Promise<number | undefined>;
  readonly upstream: UpstreamWatch;
  readonly recoverDeadlineMs: number;
}

export interface FaultProcedureResult {
  /** What the procedure did beyond the injection (for the record). */
  readonly notes: string[];
  /** Failed expectations seen on the way (a watchdog that never fired, a pause not honoured). */
  readonly problems: string[];
  /** The fault really began here rather than at the call (a lifetime rotation the procedure waited for). */
  readonly startedAtMs?: number;
  /** A fault bots must not see: when the gateway reacted upstream (e.g. opened its new connection). */
  readonly reactedAtMs?: number;
  /** …and when that reaction was complete (e.g. the handover closed the old connection). */
  readonly settledAtMs?: number;
  /** Which of a fault's possible courses it took (e.g. "reconnect" or "takeover"); reported as its own row. */
  readonly variant?: string;
  /** Checks once the fault is over and every book was compared with the truth (simulator counters, metrics). */
  readonly judge?: (deltas: FaultMetricDeltas) => string[];
}

/** The gateway settings the soak's options decide, whatever the venue. */
export interface GatewaySettings {
  readonly symbols: readonly string[];
  readonly budgetAttempts: number;
  readonly budgetWindowMs: number;
  readonly resyncBudget: number | undefined;
}

export interface SoakVenue {
  readonly name: VenueName;
  readonly truth: MarketTruth;
  readonly upstream: UpstreamCounters;
  /** The gateway's data watchdog (staleAfterMs) for this venue: sizes the waits of stall-like faults. */
  readonly staleAfterMs: number;
  /** Trades the venue resends to a new subscription (Kraken 50, Binance none): may not be lost in an outage. */
  readonly tradeReplay: number;
  /** `exchanges` block of the gateway's config file. */
  exchangesConfig(settings: GatewaySettings): Record<string, unknown>;
  planFault(kind: string, random: SeededRandom, symbols: readonly string[]): FaultPlan;
  /** The status (of one bot's non-live statuses since the fault, in order) showing the gateway noticed the fault. */
  detectionAt(plan: FaultPlan, statuses: readonly StatusSeen[]): StatusSeen | undefined;
  /** Injects the fault and runs its second half. Resolves when the simulator is back to normal behaviour. */
  runFault(plan: FaultPlan, ctx: FaultContext): Promise<FaultProcedureResult>;
  /** Windows in which the gateway could not receive trades (as this venue's reconnects look from the simulator). */
  outages(watch: UpstreamWatch): OutageWindow[];
  /** Upgrades the simulator saw (accepted and refused). */
  connectAttempts(): number;
  /** Whole-run checks on the simulator's counters (message-rate closes and the like). */
  finalChecks(): string[];
  /** Simulator counters for the report. */
  counters(): Record<string, number>;
  stop(): Promise<void>;
}

export function describePlan(plan: FaultPlan): string {
  const details = [plan.symbol, plan.count === undefined ? undefined : `×${plan.count}`,
    plan.retryAfterS === undefined ? undefined : `Retry-After ${plan.retryAfterS}s`].filter((d) => d !== undefined);
  return details.length === 0 ? plan.kind : `${plan.kind} (${details.join(' ')})`;
}

/** The first status with the plan's reason (of the plan's symbol, if any); without a reason, the first. */
export function detectionByReason(plan: FaultPlan, statuses: readonly StatusSeen[]): StatusSeen | undefined {
  const mine = statuses.filter((status) => plan.symbol === undefined || status.symbol === plan.symbol);
  return plan.detectReason === undefined ? mine[0] : mine.find((status) => status.reason === plan.detectReason);
}
