// One-shot timers owned by one object: each forgets itself when it fires, and `clear()` (on stop or dispose)
// cancels the rest, so nothing a simulator scheduled outlives it.

export class OwnedTimers {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Run `action` once after `delayMs`, unless cleared first. */
  after(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
