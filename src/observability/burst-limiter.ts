// Logs the first of a burst and then at most one line per window, carrying how many were held back.
// Time is an argument (`now`), so tests drive it without timers; nothing here schedules anything.

export interface Admission {
  /** Write a log line for this occurrence. */
  readonly log: boolean;
  /** Occurrences held back since the last logged one (when log is true: to mention in this line). */
  readonly suppressed: number;
  /** Milliseconds since the last logged one (0 for the first ever). */
  readonly sinceMs: number;
}

export interface HeldBack {
  readonly key: string;
  readonly suppressed: number;
  readonly sinceMs: number;
}

export interface BurstLimiter {
  admit(key: string): Admission;
  /** Keys with held-back occurrences (for a summary at shutdown); resets their counts. */
  drain(): HeldBack[];
}

export function createBurstLimiter(windowMs: number, now: () => number): BurstLimiter {
  const keys = new Map<string, { loggedAt: number; suppressed: number }>();
  return {
    admit(key) {
      const at = now();
      const state = keys.get(key);
      if (state === undefined || at - state.loggedAt >= windowMs) {
        keys.set(key, { loggedAt: at, suppressed: 0 });
        return { log: true, suppressed: state?.suppressed ?? 0, sinceMs: state === undefined ? 0 : at - state.loggedAt };
      }
      state.suppressed++;
      return { log: false, suppressed: state.suppressed, sinceMs: at - state.loggedAt };
    },
    drain() {
      const at = now();
      const held: HeldBack[] = [];
      for (const [key, state] of keys) {
        if (state.suppressed === 0) continue;
        held.push({ key, suppressed: state.suppressed, sinceMs: at - state.loggedAt });
        state.suppressed = 0;
      }
      return held;
    },
  };
}
