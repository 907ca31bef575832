// A clock that moves only when the test says: `now` for the code under test, and `sleep` for its waits between
// attempts (UpstreamConnectionDeps.sleep). `advance` wakes every sleeper whose time has come, earliest first.

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

export class FakeClock {
  private time: number;
  private sleepers: Sleeper[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const sleeper: Sleeper = { at: this.time + ms, resolve };
    this.sleepers.push(sleeper);
    signal.addEventListener('abort', () => {
      this.sleepers = this.sleepers.filter((each) => each !== sleeper);
      resolve();
    }, { once: true });
  });

  /** Milliseconds until each pending sleeper wakes, soonest first. */
  get sleeping(): number[] {
    return this.sleepers.map((sleeper) => sleeper.at - this.time).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.sleepers.filter((sleeper) => sleeper.at <= this.time).sort((a, b) => a.at - b.at);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.at > this.time);
    for (const sleeper of due) sleeper.resolve();
  }
}
