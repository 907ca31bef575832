// Binance prints every price and quantity with 8 decimals ("76745.19000000"). The simulator keeps them as integer
// units of 1e-8 (exact up to 9e7 whole units, ample for spot prices and sizes) and prints them back the same way.

export const SCALE = 100_000_000;
const DECIMALS = 8;

export function formatUnits(units: number): string {
  if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`not a non-negative integer amount: ${units}`);
  const whole = Math.floor(units / SCALE);
  const fraction = String(units - whole * SCALE).padStart(DECIMALS, '0');
  return `${whole}.${fraction}`;
}

/** Units of an 8-decimal string such as "0.00100000" or "12"; undefined if it has more than 8 decimals. */
export function parseUnits(text: string): number | undefined {
  const match = /^(\d+)(?:\.(\d{1,8}))?$/.exec(text);
  if (match === null) return undefined;
  const fraction = (match[2] ?? '').padEnd(DECIMALS, '0');
  return Number(match[1]) * SCALE + Number(fraction);
}

export const ZERO_QTY = formatUnits(0);
