// CRC-32/IEEE (zlib): reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF. Incremental over ASCII text,
// so a checksum payload is never materialized as one string (zlib.crc32 only exists from Node 20.15).

/** Exported for allocation-free CRCs over decimal digits (kraken/checksum.ts). */
export const CRC32_TABLE = buildTable();
const TABLE = CRC32_TABLE;

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Continue a running CRC over the char codes of an ASCII string (checksum payloads are digits only). */
export function crc32UpdateAscii(crc: number, text: string): number {
  let c = crc;
  for (let i = 0; i < text.length; i++) c = TABLE[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return c;
}

export const CRC32_INIT = 0xffffffff;

export function crc32Finish(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of an ASCII string. `crc32Ascii('123456789') === 0xCBF43926`. */
export function crc32Ascii(text: string): number {
  return crc32Finish(crc32UpdateAscii(CRC32_INIT, text));
}
