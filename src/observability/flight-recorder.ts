// The flight recorder: every raw upstream frame and REST answer (the synthetic frame the session sees) with its
// receive time, as gzip NDJSON in <log directory>/recorder, rotated by size and time, retention by total bytes.
// The hot path only builds one line and pushes it onto an array; a timer hands the batch to an async gzip stream
// (zlib works on the thread pool), so the event loop never waits for the disk. If the disk falls behind by more
// than `maxPendingBytes`, frames are dropped and counted (a `dropped` line says how many), never buffered unbounded.
// Each socket also keeps its last `windowMs` of lines in memory: an incident bundle is cut from that ring.
import { createWriteStream, mkdirSync, readdirSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { redactSecrets } from '../config/redact.ts';
import type { VenueConfig } from '../config/types.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { SocketEnd } from '../feed/connection-books.ts';
import { RECORDING_VERSION, type OpenRecord } from './recording-format.ts';
import { SocketRing } from './socket-ring.ts';

export interface FlightRecorderOptions {
  /** Write recordings to disk (else only the in-memory rings for incident bundles are kept). */
  readonly record: boolean;
  readonly dir: string;
  readonly maxTotalBytes: number;
  readonly maxFileBytes: number;
  readonly rotateAfterMs: number;
  /** In-memory window per socket (incident bundles); 0 = none. */
  readonly windowMs: number;
  readonly flushIntervalMs?: number;
  readonly maxPendingBytes?: number;
  /** Written in each file's first line (the gateway's version, the redacted config). */
  readonly header: Record<string, unknown>;
  readonly now: () => number;
  readonly onError?: (error: Error) => void;
}

export interface SocketInfo {
  readonly exchange: ExchangeId;
  readonly connection: number;
  readonly symbols: readonly string[];
  readonly config: VenueConfig;
}

/** What a session driver holds for its socket: two calls, no I/O. */
export interface FrameTap {
  frame(text: string, receivedAt: number): void;
  /** `how`: stale (books marked stale), retire (a successor feeds them), stop (gateway stopping). */
  closed(at: number, how: SocketEnd, cause: string): void;
}

export interface FrameRecorder {
  openSocket(info: SocketInfo, at: number): FrameTap;
}

export interface RecorderStats {
  readonly frames: number;
  readonly droppedFrames: number;
  readonly bytesIn: number;
  readonly files: number;
}

const RECORDING_PATTERN = /^frames-.*\.ndjson\.gz$/;

export class FlightRecorder implements FrameRecorder {
  private pending: string[] = [];
  private pendingBytes = 0;
  private dropped = 0;
  private frames = 0;
  private bytesIn = 0;
  private filesOpened = 0;
  private socketSerial = 0;
  private readonly rings = new Map<string, SocketRing>();
  /** Open records of the sockets alive now: each new file starts with those already written, so it replays on its own. */
  private readonly openSockets = new Map<number, { readonly line: string; written: boolean }>();
  private gzip: Gzip | undefined;
  private file: WriteStream | undefined;
  private fileOpenedAt = 0;
  private fileBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxPendingBytes: number;

  constructor(private readonly options: FlightRecorderOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.maxPendingBytes = options.maxPendingBytes ?? 32 * 1_048_576;
    if (options.record) {
      mkdirSync(options.dir, { recursive: true });
      this.timer = setInterval(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  openSocket(info: SocketInfo, at: number): FrameTap {
    const serial = ++this.socketSerial;
    const open: OpenRecord = { k: 'open', t: at, s: serial, x: info.exchange, c: info.connection, symbols: info.symbols,
      config: redactSecrets(info.config) };
    const openLine = `${JSON.stringify(open)}\n`;
    const ringKey = `${info.exchange} ${info.connection}`;
    const ring = this.options.windowMs > 0 ? new SocketRing(this.options.windowMs, openLine, at) : undefined;
    if (ring !== undefined) this.rings.set(ringKey, ring);
    this.openSockets.set(serial, { line: openLine, written: false });
    this.push(openLine);
    const prefix = `{"t":`;
    const middle = `,"s":${serial},"f":`;
    const escapedMiddle = `,"s":${serial},"F":`;
    return {
      frame: (text, receivedAt) => {
        // The frame verbatim (JSON.stringify would cost 0.7 µs a frame); escaped only if it would break the line.
        const line = text.indexOf('\n') === -1 && text.indexOf('\r') === -1
          ? `${prefix}${receivedAt}${middle}${text}}\n` : `${prefix}${receivedAt}${escapedMiddle}${JSON.stringify(text)}}\n`;
        this.frames++;
        this.bytesIn += line.length;
        ring?.push(line, receivedAt);
        this.push(line);
      },
      closed: (closedAt, how, cause) => {
        this.openSockets.delete(serial);
        const line = `${JSON.stringify({ k: 'close', t: closedAt, s: serial, how, cause })}\n`;
        ring?.push(line, closedAt);
        this.push(line);
      },
    };
  }

  /** The last window of lines of a connection's current (or last) socket, its open record first. */
  recentLines(exchange: ExchangeId, connection: number, now: number): { lines: string[]; fromOpen: boolean } | undefined {
    return this.rings.get(`${exchange} ${connection}`)?.snapshot(now);
  }

  stats(): RecorderStats {
    return { frames: this.frames, droppedFrames: this.dropped, bytesIn: this.bytesIn, files: this.filesOpened };
  }

  /** Writes what is buffered and closes the file. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.options.record) return;
    this.flush();
    await this.closeFile();
  }

  private push(line: string): void {
    if (!this.options.record) return;
    if (this.pendingBytes > this.maxPendingBytes) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
  }

  /** Hands what is buffered to the gzip stream (normally on its timer; public for the cost measurement). */
  flush(): void {
    if (this.dropped > 0) {
      this.pending.push(`${JSON.stringify({ k: 'dropped', t: this.options.now(), frames: this.dropped })}\n`);
      this.dropped = 0;
    }
    if (this.pending.length === 0) return;
    const now = this.options.now();
    if (this.gzip === undefined || this.fileBytes >= this.options.maxFileBytes || now - this.fileOpenedAt >= this.options.rotateAfterMs) {
      void this.closeFile();
      this.openFile(now);
    }
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    // Backpressure lives in pendingBytes: while gzip has not drained, the next flush finds it still counted below.
    this.gzip!.write(chunk);
    for (const open of this.openSockets.values()) open.written = true;
    this.pendingBytes = this.gzip!.writableLength;
  }

  private openFile(now: number): void {
    const name = `frames-${new Date(now).toISOString().replace(/[:.]/g, '-')}.ndjson.gz`;
    const file = createWriteStream(join(this.options.dir, name));
    const gzip = createGzip({ level: 6 });
    file.on('error', (error) => this.options.onError?.(error));
    gzip.on('error', (error) => this.options.onError?.(error));
    gzip.on('data', (compressed: Buffer) => { this.fileBytes += compressed.length; });
    gzip.pipe(file);
    this.gzip = gzip;
    this.file = file;
    this.fileOpenedAt = now;
    this.fileBytes = 0;
    this.filesOpened++;
    gzip.write(`${JSON.stringify({ k: 'recording', v: RECORDING_VERSION, startedAt: new Date(now).toISOString(), ...this.options.header })}\n`);
    for (const open of this.openSockets.values()) if (open.written) gzip.write(open.line);
    this.enforceRetention();
  }

  private closeFile(): Promise<void> {
    const { gzip, file } = this;
    this.gzip = undefined;
    this.file = undefined;
    if (gzip === undefined || file === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      file.once('close', () => resolve());
      file.once('error', () => resolve());
      gzip.end();
    });
  }

  /** Oldest files go first once the directory holds more than maxTotalBytes (the open file is never deleted). */
  private enforceRetention(): void {
    try {
      const files = readdirSync(this.options.dir).filter((name) => RECORDING_PATTERN.test(name)).sort();
      const sizes = files.map((name) => statSync(join(this.options.dir, name)).size);
      let total = sizes.reduce((sum, size) => sum + size, 0);
      for (let index = 0; index < files.length - 1 && total > this.options.maxTotalBytes; index++) {
        unlinkSync(join(this.options.dir, files[index]!));
        total -= sizes[index]!;
      }
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }
}
