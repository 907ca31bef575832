// When the gateway's upstream connection was down, seen from the simulator: sampled every few ms, so the
// trade check can tell "lost while connected" from "lost during an outage" without trusting the gateway.

const SAMPLE_MS = 5;
/** A new connection subscribes (and gets the venue's trade replay, if any) within this of being accepted. */
const SUBSCRIBE_WITHIN_MS = 250;

/** A time span in which the upstream connection was replaced: trades may be lost beyond the venue's replay. */
/** Connection counters of the simulator, sampled by UpstreamWatch. */
export interface UpstreamCounters {
  readonly connectionsAccepted: number;
  readonly connectionCount: number;
}

export interface OutageWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

interface Stall {
  readonly fromMs: number;
  toMs: number | undefined;
}

export class UpstreamWatch {
  private readonly accepts: number[] = [];
  private readonly closes: number[] = [];
  private readonly stalls: Stall[] = [];
  /** Times at which no connection was open any more (every open one closed). */
  private readonly noneOpenFrom: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private accepted = 0;
  private open = 0;

  constructor(private readonly sim: UpstreamCounters, private readonly nowMs: () => number) {}

  start(): void {
    this.accepted = this.sim.connectionsAccepted;
    this.open = this.sim.connectionCount;
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The simulator stopped delivering at `atMs` while the connection stayed open (a stall). */
  stallStarted(atMs: number): void {
    this.stalls.push({ fromMs: atMs, toMs: undefined });
  }

  /** The simulator delivers again (what it held, then live data). */
  stallEnded(atMs: number): void {
    const last = this.stalls.at(-1);
    if (last !== undefined && last.toMs === undefined) last.toMs = atMs;
  }

  /** Connections the simulator accepted since `sinceMs` (the times). */
  acceptsSince(sinceMs: number): number[] {
    return this.accepts.filter((at) => at >= sinceMs);
  }

  /**
   * One window per reconnect of a venue that keeps one connection: from the old connection's close (or an earlier
   * stall start) until the new connection had time to subscribe. Trades made outside every window happened while
   * data was flowing.
   */
  outagesPerReconnect(): OutageWindow[] {
    const windows: OutageWindow[] = [];
    let previousAccept = -Infinity;
    for (const accept of this.accepts) {
      const close = this.closes.filter((at) => at > previousAccept && at <= accept).at(0) ?? accept;
      const stall = this.stalls.map((s) => s.fromMs).filter((at) => at > previousAccept && at <= close).at(0) ?? close;
      windows.push({ fromMs: Math.min(close, stall), toMs: accept + SUBSCRIBE_WITHIN_MS });
      previousAccept = accept;
    }
    return windows;
  }

  /**
   * Windows of a venue whose connections overlap (make-before-break rotations): from the moment no connection was
   * open until the next one was accepted and flowing, and from a stall's start until it ended and a connection
   * opened after its start was flowing (data held on a connection the gateway gave up on is never delivered).
   * A rotation keeps a connection open throughout, so it opens no window: it must lose nothing.
   */
  outagesWhileNoneOpen(): OutageWindow[] {
    const firstAcceptAfter = (atMs: number): number => this.accepts.find((at) => at >= atMs) ?? Infinity;
    const windows = this.noneOpenFrom.map((fromMs) => ({ fromMs, toMs: firstAcceptAfter(fromMs) + SUBSCRIBE_WITHIN_MS }));
    for (const stall of this.stalls) {
      const end = Math.max(stall.toMs ?? Infinity, firstAcceptAfter(stall.fromMs));
      windows.push({ fromMs: stall.fromMs, toMs: end + SUBSCRIBE_WITHIN_MS });
    }
    return windows.sort((a, b) => a.fromMs - b.fromMs);
  }

  private sample(): void {
    const now = this.nowMs();
    const accepted = this.sim.connectionsAccepted;
    const open = this.sim.connectionCount;
    const opened = accepted - this.accepted;
    const closed = this.open + opened - open;
    // Closes before accepts: within one sample a drop and its reconnect may both have happened.
    if (closed > 0) this.closes.push(now);
    if (closed > 0 && closed >= this.open) this.noneOpenFrom.push(now);
    if (opened > 0) this.accepts.push(now);
    this.accepted = accepted;
    this.open = open;
  }
}
