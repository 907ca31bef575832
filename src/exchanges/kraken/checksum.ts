// Kraken book checksum (kraken-v2.md §4.4): CRC-32 over the top 10 asks (ascending) then the top 10 bids
// (descending), each level as price text + qty text with the decimal point and leading zeros removed.
// Works on the exact decimal text from the wire, never on numbers.
import { CRC32_INIT, CRC32_TABLE, crc32Finish } from '../../core/crc32.ts';
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
  let crc = crc32UpdateLevels(CRC32_INIT, book.topLevels('asks', CHECKSUM_LEVELS));
  crc = crc32UpdateLevels(crc, book.topLevels('bids', CHECKSUM_LEVELS));
  return crc32Finish(crc);
}

/**
 * Per level tuple (the book keeps a tuple until the level changes): the CRC register after feeding the level's
 * checksum digits from state 0, and their count, packed as `crc + count * 2^32`. CRC-32 is linear:
 * update(s, digits) = shiftZeros(s, count) ^ update(0, digits), so a cached level costs one WeakMap lookup and four
 * table lookups instead of ~18 per-character steps.
 */
const LEVEL_DIGESTS = new WeakMap<readonly [string, string], number>();
const TWO_32 = 2 ** 32;

function levelDigest(level: readonly [string, string]): number {
  let digest = LEVEL_DIGESTS.get(level);
  if (digest === undefined) {
    const price = level[0];
    const qty = level[1];
    const crc = crc32UpdateChecksumDigits(crc32UpdateChecksumDigits(0, price), qty);
    digest = (crc >>> 0) + (checksumDigits(price).length + checksumDigits(qty).length) * TWO_32;
    LEVEL_DIGESTS.set(level, digest);
  }
  return digest;
}

/** SHIFT[n]: 4 × 256 entries; SHIFT[n][k * 256 + b] = register after n zero bytes from state (b << 8k). */
const SHIFT: Uint32Array[] = [];

function shiftTable(n: number): Uint32Array {
  let table = SHIFT[n];
  if (table === undefined) {
    table = new Uint32Array(1024);
    for (let k = 0; k < 4; k++) {
      for (let b = 0; b < 256; b++) {
        let c = (b << (8 * k)) >>> 0;
        for (let i = 0; i < n; i++) c = (CRC32_TABLE[c & 0xff]! ^ (c >>> 8)) >>> 0;
        table[k * 256 + b] = c;
      }
    }
    SHIFT[n] = table;
  }
  return table;
}

function crc32UpdateLevels(crc: number, levels: readonly (readonly [string, string])[]): number {
  let c = crc;
  for (let i = 0; i < levels.length; i++) {
    const digest = levelDigest(levels[i]!);
    const count = Math.floor(digest / TWO_32);
    const t = shiftTable(count);
    c = t[c & 0xff]! ^ t[256 + ((c >>> 8) & 0xff)]! ^ t[512 + ((c >>> 16) & 0xff)]! ^ t[768 + (c >>> 24)]! ^ (digest >>> 0);
  }
  return c;
}

/** The CRC of checksumDigits(decimal), without building that string: skips the point and leading zeros. */
export function crc32UpdateChecksumDigits(crc: number, decimal: string): number {
  const last = decimal.length - 1;
  const lastDigit = decimal.charCodeAt(last) === 46 ? last - 1 : last;
  let c = crc;
  let leading = true;
  for (let i = 0; i <= last; i++) {
    const code = decimal.charCodeAt(i);
    if (code === 46) continue;
    if (leading) {
      if (code === 48 && i < lastDigit) continue;
      leading = false;
    }
    c = CRC32_TABLE[(c ^ code) & 0xff]! ^ (c >>> 8);
  }
  return c;
}

/**
 * Re-format a decoded number at the instrument's precision, for sources that lost the wire text
 * (re-serialised recordings). Exact for values with at most 15 significant digits.
 */
export function formatAtPrecision(value: number | string, precision: number): string {
  return Number(value).toFixed(precision);
}
