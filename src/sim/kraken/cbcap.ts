// Reader for crossbook `.cbcap` captures (format in test/fixtures/kraken/SOURCES.md): line 1
// `CBCAP1 <venue> <symbol> <start_unix_ns>`, then repeated `<recv_ts_ns> <byte_count>\n<payload bytes>\n`.
// Runtime code (the replay server reads captures), so it lives in src/; payloads are cut by byte count.
import { readFileSync } from 'node:fs';

export interface CapturedFrame {
  /** Steady-clock receive time in ns; only differences are meaningful. */
  readonly receivedNs: bigint;
  /** The payload exactly as received. */
  readonly text: string;
}

export interface Cbcap {
  readonly venue: string;
  readonly symbol: string;
  readonly startNs: bigint;
  readonly frames: CapturedFrame[];
}

export function parseCbcap(bytes: Uint8Array): Cbcap {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const readLine = (): string => {
    const end = buffer.indexOf(0x0a, offset);
    if (end === -1) throw new Error(`cbcap: no newline after byte ${offset}`);
    const line = buffer.toString('latin1', offset, end);
    offset = end + 1;
    return line;
  };
  const [magic, venue, symbol, start] = readLine().split(' ');
  if (magic !== 'CBCAP1' || venue === undefined || symbol === undefined || start === undefined || !/^\d+$/.test(start)) {
    throw new Error('cbcap: bad header (want "CBCAP1 <venue> <symbol> <start_ns>")');
  }
  const frames: CapturedFrame[] = [];
  while (offset < buffer.length) {
    const header = readLine();
    const match = /^(\d+) (\d+)$/.exec(header);
    if (match === null) throw new Error(`cbcap: bad record header "${header.slice(0, 40)}" before byte ${offset}`);
    const end = offset + Number(match[2]);
    if (end >= buffer.length || buffer[end] !== 0x0a) throw new Error(`cbcap: payload at byte ${offset} overruns the file`);
    frames.push({ receivedNs: BigInt(match[1] ?? '0'), text: buffer.toString('utf8', offset, end) });
    offset = end + 1;
  }
  return { venue, symbol, startNs: BigInt(start), frames };
}

export function readCbcapFile(path: string | URL): Cbcap {
  return parseCbcap(readFileSync(path));
}
