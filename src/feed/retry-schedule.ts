// When to retry something the venue rejected (a trade subscription), backing off: first after `firstDelayMs`,
// doubling up to `maxDelayMs`; success resets it. Pure: time is an argument.
import { doublingDelayMs } from '../core/backoff.ts';

interface Entry {
  dueAt: number;
  failures: number;
}

export class RetrySchedule {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly firstDelayMs: number, private readonly maxDelayMs: number) {}

  failed(key: string, now: number): void {
    const failures = (this.entries.get(key)?.failures ?? 0) + 1;
    this.entries.set(key, { dueAt: now + doublingDelayMs(this.firstDelayMs, failures - 1, this.maxDelayMs), failures });
  }

  succeeded(key: string): void {
    this.entries.delete(key);
  }

  /** Keys whose retry is due at `now`; each is handed out once per failure. */
  due(now: number): string[] {
    const keys: string[] = [];
    for (const [key, entry] of this.entries) {
      if (now >= entry.dueAt) {
        keys.push(key);
        entry.dueAt = Infinity;
      }
    }
    return keys;
  }
}
