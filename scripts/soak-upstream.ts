// When the gateway's upstream connection was down, seen from the simulator: sampled every few ms, so the
// trade check can tell "lost while connected" from "lost during an outage" without trusting the gateway.
import type { KrakenSimulator } from '../src/sim/kraken/server.ts';
import type { OutageWindow } from './soak-checks.ts';

const SAMPLE_MS = 5;
/** A new connection subscribes (and gets the venue's trade replay) within this of being accepted. */
const SUBSCRIBE_WITHIN_MS = 250;

export class UpstreamWatch {
  private readonly accepts: number[] = [];
  private readonly closes: number[] = [];
  private readonly stalls: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private accepted = 0;
  private open = 0;

  constructor(private readonly sim: KrakenSimulator, private readonly nowMs: () => number) {}

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
    this.stalls.push(atMs);
  }

  /**
   * One window per reconnect: from the old connection's close (or an earlier stall start) until the new
   * connection had time to subscribe. Trades made outside every window happened while data was flowing.
   */
  outages(): OutageWindow[] {
    const windows: OutageWindow[] = [];
    let previousAccept = -Infinity;
    for (const accept of this.accepts) {
      const close = this.closes.filter((at) => at > previousAccept && at <= accept).at(0) ?? accept;
      const stall = this.stalls.filter((at) => at > previousAccept && at <= close).at(0) ?? close;
      windows.push({ fromMs: Math.min(close, stall), toMs: accept + SUBSCRIBE_WITHIN_MS });
      previousAccept = accept;
    }
    return windows;
  }

  private sample(): void {
    const now = this.nowMs();
    const accepted = this.sim.connectionsAccepted;
    const open = this.sim.connectionCount;
    // Closes before accepts: within one sample a drop and its reconnect may both have happened.
    if (open < this.open + (accepted - this.accepted)) this.closes.push(now);
    if (accepted > this.accepted) this.accepts.push(now);
    this.accepted = accepted;
    this.open = open;
  }
}
