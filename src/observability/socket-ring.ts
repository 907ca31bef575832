// The last `windowMs` of one socket's recorded lines, in memory, for incident bundles. Pushing is O(1) amortized:
// old lines are skipped by a head index and the array is compacted only when half of it is dead.
export class SocketRing {
  private lines: string[] = [];
  private times: number[] = [];
  private head = 0;
  /** Nothing was trimmed yet: the ring still reaches back to the socket's open (a bundle then replays exactly). */
  private whole = true;

  constructor(private readonly windowMs: number, private readonly openLine: string, openedAt: number) {
    this.times.push(openedAt);
    this.lines.push(openLine);
  }

  push(line: string, at: number): void {
    this.lines.push(line);
    this.times.push(at);
    this.trim(at);
  }

  /** The open record first (a bundle must say which socket, venue and symbols), then the window. */
  snapshot(now: number): { lines: string[]; fromOpen: boolean } {
    this.trim(now);
    const window = this.lines.slice(this.head);
    return { lines: this.whole ? window : [this.openLine, ...window], fromOpen: this.whole };
  }

  private trim(now: number): void {
    const oldest = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! < oldest) {
      this.head++;
      this.whole = false;
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
