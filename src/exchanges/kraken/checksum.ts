// Kraken book checksum (kraken-v2.md §4.4): CRC-32 over the top 10 asks (ascending) then the top 10 bids
// (descending), each level as price text + qty text with the decimal point and leading zeros removed.
// Works on the exact decimal text from the wire, never on numbers.
import { CRC32_INIT, crc32Finish, crc32UpdateAscii } from '../../core/crc32.ts';
import type { BookChecksumView } from '../types.ts';

export const CHECKSUM_LEVELS = 10;

/** `0.00100000` → `100000`, `63005.0` → `630050`. */
export function checksumDigits(decimal: string): string {
  const point = decimal.indexOf('.');
  const digits = point === -1 ? decimal : decimal.slice(0, point) + decimal.slice(point + 1);
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start++;
  return start === 0 ? digits : digits.slice(start);
}

export function krakenChecksum(book: BookChecksumView): number {
  let crc = CRC32_INIT;
  for (const side of ['asks', 'bids'] as const) {
    for (const [price, qty] of book.topLevels(side, CHECKSUM_LEVELS)) {
      crc = crc32UpdateAscii(crc, checksumDigits(price));
      crc = crc32UpdateAscii(crc, checksumDigits(qty));
    }
  }
  return crc32Finish(crc);
}

/**
 * Re-format a decoded number at the instrument's precision, for sources that lost the wire text
 * (re-serialised recordings). Exact for values with at most 15 significant digits.
 */
export function formatAtPrecision(value: number | string, precision: number): string {
  return Number(value).toFixed(precision);
}
