// Fault knobs of a running Coinbase simulator (coinbase-advanced.md §7). Plain state: connections consult it as
// they send. Frame faults hit the next frame of the named channel sent on any connection.
import { CountedFault } from '../counted-fault.ts';

/** What happens to one outgoing frame. */
export type FrameFault =
  /** Its sequence number is skipped: the frame carries the one after (a gap, no data lost). */
  | 'skip'
  /** Never sent; its sequence number is used up (a lost frame). */
  | 'drop'
  /** Sent twice, same sequence number. */
  | 'duplicate'
  /** Held back and sent after the next frame. */
  | 'reorder';

export class CoinbaseFaults {
  /** Every outgoing frame (heartbeats too) is held while true; TCP stays open. */
  stalled = false;
  marketPaused = false;
  private readonly quiet = new Set<string>();
  private readonly frameFaults = new Map<string, CountedFault<FrameFault>>();
  private readonly subscribeErrors = new CountedFault<string>();

  /** The next `count` frames of `channel` (wire name: `l2_data`, `market_trades`, `heartbeats`…) get `fault`. */
  armFrameFault(fault: FrameFault, channel: string, count: number): void {
    let armed = this.frameFaults.get(channel);
    if (armed === undefined) this.frameFaults.set(channel, armed = new CountedFault<FrameFault>());
    armed.arm(fault, count);
  }

  takeFrameFault(channel: string): FrameFault | undefined {
    return this.frameFaults.get(channel)?.take();
  }

  /** The next `count` subscribe requests are answered with `{"type":"error","message":…}` and not applied. */
  failSubscribes(message: string, count: number): void {
    this.subscribeErrors.arm(message, count);
  }

  takeSubscribeError(): string | undefined {
    return this.subscribeErrors.take();
  }

  /** A quiet product's market does not move: no level2 update and no trade (the idle-channel close needs one). */
  setQuiet(productId: string, quiet: boolean): void {
    if (quiet) this.quiet.add(productId);
    else this.quiet.delete(productId);
  }

  isQuiet(productId: string): boolean {
    return this.quiet.has(productId);
  }
}
