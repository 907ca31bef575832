// Readers for the Kraken fixtures in test/fixtures/kraken (formats in its SOURCES.md). Frames come back
// as verbatim wire text: never JSON.parse and re-stringify them, that loses the number tokens
// (`0.00100000`) the checksum is computed from.
import { readFileSync, readdirSync } from 'node:fs';

export const KRAKEN_FIXTURES = new URL('../fixtures/kraken/', import.meta.url);
export const KRAKEN_CAPTURES = new URL('captures/', KRAKEN_FIXTURES);
export const KRAKEN_DOCS = new URL('docs/', KRAKEN_FIXTURES);

// The cbcap reader is runtime code (the replay server plays captures back), so tests share it from src/.
import { readCbcapFile, type CapturedFrame } from '../../src/sim/kraken/cbcap.ts';

export { parseCbcap, readCbcapFile as readCbcap, type Cbcap as CbcapCapture, type CapturedFrame } from '../../src/sim/kraken/cbcap.ts';

export interface NdjsonCapture {
  /** Line 1: capture metadata (`symbol`, `depth`, `subscribe`, …). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** Frames the client received, in order. */
  readonly frames: CapturedFrame[];
  /** Frames the client sent (`"dir":"tx"`). */
  readonly sent: CapturedFrame[];
}

/** Names of every file in captures/, sorted. */
export function listKrakenCaptures(): string[] {
  return readdirSync(KRAKEN_CAPTURES).sort();
}

export function readKrakenDoc(name: string): string {
  return readFileSync(new URL(name, KRAKEN_DOCS), 'utf8');
}

/** One document per non-empty line (`docs/*.jsonl`, `captures/*.frames.jsonl`). */
export function readLines(url: URL): string[] {
  return readFileSync(url, 'utf8').split('\n').filter((line) => line.length > 0);
}


/**
 * DepthCharge ndjson: `{"rx_ns":…,["dir":"tx",]"frame":<wire JSON spliced verbatim>}` after a metadata line.
 * The frame is cut out as raw text (it is the last key of each line).
 */
export function parseNdjsonCapture(text: string): NdjsonCapture {
  const [metaLine, ...lines] = text.split('\n').filter((line) => line.length > 0);
  if (metaLine === undefined) throw new Error('ndjson capture: empty');
  const frames: CapturedFrame[] = [];
  const sent: CapturedFrame[] = [];
  for (const line of lines) {
    const key = line.indexOf('"frame":');
    const rx = /^\{"rx_ns":\s*(\d+),/.exec(line);
    if (key === -1 || rx === null || !line.endsWith('}')) throw new Error(`ndjson capture: unexpected line ${line.slice(0, 80)}`);
    const frame = { receivedNs: BigInt(rx[1]!), text: line.slice(key + '"frame":'.length, -1).trim() };
    (/"dir":\s*"tx"/.test(line.slice(0, key)) ? sent : frames).push(frame);
  }
  return { meta: JSON.parse(metaLine) as Record<string, unknown>, frames, sent };
}

export function readNdjsonCapture(url: URL): NdjsonCapture {
  return parseNdjsonCapture(readFileSync(url, 'utf8'));
}

/** Received frames of any wire-exact capture in captures/, by file name (`.cbcap`, `.frames.jsonl`, `.ndjson`). */
export function readKrakenCaptureFrames(name: string): string[] {
  const url = new URL(name, KRAKEN_CAPTURES);
  if (name.endsWith('.cbcap')) return readCbcapFile(url).frames.map((frame) => frame.text);
  if (name.endsWith('.frames.jsonl')) return readLines(url);
  if (name.endsWith('.ndjson')) return readNdjsonCapture(url).frames.map((frame) => frame.text);
  throw new Error(`${name} is not a wire-exact capture`);
}

export const PYTHON_SDK_RECORDING = 'python-kraken-sdk_orderbook-v2_btcusd_d10.json';

/**
 * The python-kraken-sdk recording `{"init": snapshot, "updates": […]}` as frames. Python re-serialised its
 * floats (`0.001`, `4.0`), so the wire text is lost whatever we do; frames are re-stringified and levels need
 * formatting at the instrument precision (price 1, qty 8) before checksumming.
 */
export function readPythonSdkRecordingFrames(): string[] {
  const recording = JSON.parse(readFileSync(new URL(PYTHON_SDK_RECORDING, KRAKEN_CAPTURES), 'utf8')) as
    { init: unknown; updates: unknown[] };
  return [recording.init, ...recording.updates].map((message) => JSON.stringify(message));
}

/** The real ETH/USD capture (depth 25): status, ack, snapshot, then updates and heartbeats, verbatim. */
export const ETH_CAPTURE = 'crossbook_kraken_ethusd_d25.frames.jsonl';

/**
 * Line 23 of the ETH/USD capture: one bid, `{"price":1877.28,"qty":2.66341722}`, in the top 10 after the snapshot
 * and the 19 updates before it. `uncheckedUpdate` below is this frame damaged the way the issue found it served.
 */
export const ETH_UPDATE_INDEX = 22;
export const ETH_UPDATE_BID = { price: '1877.28', qty: '2.66341722', alteredQty: '9.66341722' } as const;

/** A real frame with its `"checksum":N` field cut out. */
export function withoutChecksum(text: string): string {
  const cut = text.replace(/,"checksum":\d+/, '');
  if (cut === text) throw new Error('frame has no checksum to remove');
  return cut;
}

/** The capture's ETH/USD update at ETH_UPDATE_INDEX, with its checksum removed and its one quantity changed. */
export function uncheckedEthUpdate(frames: readonly string[]): string {
  const { price, qty, alteredQty } = ETH_UPDATE_BID;
  const original = frames[ETH_UPDATE_INDEX]!;
  const level = `{"price":${price},"qty":${qty}}`;
  if (!original.includes(level)) throw new Error(`ETH/USD frame ${ETH_UPDATE_INDEX} does not carry ${level}`);
  return withoutChecksum(original.replace(level, `{"price":${price},"qty":${alteredQty}}`));
}

/** A real frame with its checksum replaced by another value (`checksum + 1`, 32-bit). */
export function withWrongChecksum(text: string): string {
  const match = /,"checksum":(\d+)/.exec(text);
  if (match === null) throw new Error('frame has no checksum');
  return text.replace(match[0], `,"checksum":${(Number(match[1]) + 1) >>> 0}`);
}
