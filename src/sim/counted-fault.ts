// A fault armed for the next `count` occurrences (upgrades, REST requests…): each `take()` uses one up.

export class CountedFault<T> {
  private armed: { readonly value: T; remaining: number } | undefined;

  /** The next `count` takes return `value`; a count ≤ 0 disarms. Replaces whatever was armed. */
  arm(value: T, count: number): void {
    this.armed = count > 0 ? { value, remaining: count } : undefined;
  }

  /** The armed value, using up one occurrence; undefined when nothing is armed. */
  take(): T | undefined {
    const armed = this.armed;
    if (armed === undefined) return undefined;
    if (--armed.remaining <= 0) this.armed = undefined;
    return armed.value;
  }
}
