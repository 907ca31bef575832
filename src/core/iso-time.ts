// Epoch time → ISO-8601 UTC text, fast: Date#toISOString (~0.4 µs) runs once per second of input; the sub-second
// part is plain digits. Used per venue message and per published message, so it is on the hot path twice.

export class IsoTimeFormatter {
  private cachedSecond = Number.NaN;
  private cachedPrefix = '';
  private readonly unitsPerSecond: number;

  /** `fractionDigits` 3: `…T10:00:00.123Z` (milliseconds); 6: `…T10:00:00.123789Z` (microseconds). */
  constructor(private readonly fractionDigits: 3 | 6) {
    this.unitsPerSecond = 10 ** fractionDigits;
  }

  /** Epoch milliseconds (may be fractional). A time that is not a finite date gives ''. */
  format(epochMs: number): string {
    const units = Math.round(epochMs * (this.unitsPerSecond / 1000));
    const second = Math.floor(units / this.unitsPerSecond);
    if (second !== this.cachedSecond) {
      const date = new Date(second * 1000);
      if (Number.isNaN(date.getTime())) return '';
      this.cachedSecond = second;
      this.cachedPrefix = date.toISOString().slice(0, 20);
    }
    return `${this.cachedPrefix}${String(units - second * this.unitsPerSecond).padStart(this.fractionDigits, '0')}Z`;
  }
}
