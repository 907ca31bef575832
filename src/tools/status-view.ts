// The live status view: a /v1/status document → a terminal table (venue connections, then books). Pure: the
// document and the clock are arguments; colour only when asked (a TTY), plain text when piped.

interface ConnectionStatus {
  readonly connection?: number;
  readonly leg?: string;
  readonly state?: string;
  readonly symbols?: readonly string[];
  readonly connectedAt?: string | null;
  readonly lastDataAt?: string | null;
  readonly unreachable?: string | null;
  readonly lastClose?: string | null;
  readonly circuitOpen?: boolean;
}

interface BookStatus {
  readonly exchange: string;
  readonly symbol: string;
  readonly state: string;
  readonly reason?: string | null;
  readonly bestBid?: string | null;
  readonly bestAsk?: string | null;
}

interface Counts {
  readonly resyncs?: number;
  readonly checksumMismatches?: number;
  readonly sequenceGaps?: number;
  readonly crossedBooks?: number;
}

export interface StatusDocument {
  readonly version?: string;
  readonly startedAt?: string;
  readonly exchanges?: Readonly<Record<string, { readonly connections?: readonly ConnectionStatus[] }>>;
  readonly books?: readonly BookStatus[];
  readonly clients?: number;
  readonly hub?: { readonly engine?: string };
  readonly bookCounts?: Readonly<Record<string, Counts>>;
  readonly reconnects?: Readonly<Record<string, number>>;
  readonly recorder?: { readonly frames?: number; readonly droppedFrames?: number; readonly incidents?: number } | null;
}

const GREEN = 32;
const YELLOW = 33;
const RED = 31;
const STATE_COLOURS: Readonly<Record<string, number>> = {
  live: GREEN, stale: YELLOW, resyncing: YELLOW, subscribing: YELLOW, connecting: YELLOW, 'awaiting-snapshot': YELLOW,
  backoff: RED, idle: RED, stopped: RED,
};

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

function since(iso: string | null | undefined, now: number): string {
  if (iso === null || iso === undefined) return '-';
  return duration(now - Date.parse(iso));
}

/** Columns padded to their widest cell; a cell's colour codes do not count towards its width. */
function table(header: readonly string[], rows: readonly (readonly Cell[])[], color: boolean): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.text.length ?? 0)));
  const render = (cells: readonly Cell[]): string => cells.map((cell, column) => {
    const padded = column === cells.length - 1 ? cell.text : cell.text.padEnd(widths[column]!);
    return color && cell.color !== undefined ? `\x1b[${cell.color}m${padded}\x1b[0m` : padded;
  }).join('  ').trimEnd();
  const head = render(header.map((text) => ({ text })));
  return [color ? `\x1b[1m${head}\x1b[0m` : head, ...rows.map(render)];
}

interface Cell {
  readonly text: string;
  readonly color?: number;
}

const cell = (text: string | number, color?: number): Cell => ({ text: String(text), ...(color === undefined ? {} : { color }) });
const stateCell = (state: string): Cell => cell(state, STATE_COLOURS[state]);
const countCell = (count: number): Cell => cell(count, count > 0 ? RED : undefined);

export function renderStatus(status: StatusDocument, options: { readonly now: number; readonly color: boolean;
  readonly url: string }): string {
  const { now, color } = options;
  const recorder = status.recorder === null || status.recorder === undefined ? 'recorder off'
    : `recorder ${status.recorder.frames ?? 0} frames${(status.recorder.droppedFrames ?? 0) > 0
      ? ` (${status.recorder.droppedFrames} dropped)` : ''}, ${status.recorder.incidents ?? 0} incident bundles`;
  const lines = [`market-gateway ${status.version ?? '?'} at ${options.url} · up ${since(status.startedAt, now)} · hub `
    + `${status.hub?.engine ?? '?'} · ${status.clients ?? 0} clients · ${recorder} · ${new Date(now).toISOString()}`, ''];
  const connectionRows: Cell[][] = [];
  for (const [venue, { connections = [] }] of Object.entries(status.exchanges ?? {})) {
    for (const c of connections) {
      const reconnects = status.reconnects?.[`${venue} ${c.connection}`] ?? 0;
      connectionRows.push([cell(venue), cell(`${c.connection ?? '?'}${c.leg === undefined ? '' : ` ${c.leg}`}`),
        c.circuitOpen === true ? cell(`${c.state ?? '?'} (circuit open)`, RED) : stateCell(c.state ?? '?'), cell(since(c.connectedAt, now)), cell(since(c.lastDataAt, now)), countCell(reconnects),
        cell(c.symbols?.length ?? 0), cell(c.unreachable ?? c.lastClose ?? '')]);
    }
  }
  lines.push(...table(['VENUE', 'CONN', 'STATE', 'UPTIME', 'DATA AGE', 'RECONNECTS', 'BOOKS', 'LAST CLOSE'], connectionRows, color), '');
  const bookRows = (status.books ?? []).map((book) => {
    const counts = status.bookCounts?.[`${book.exchange} ${book.symbol}`] ?? {};
    return [cell(book.exchange), cell(book.symbol), stateCell(book.state), cell(book.reason ?? ''), cell(counts.resyncs ?? 0),
      countCell(counts.checksumMismatches ?? 0), countCell(counts.sequenceGaps ?? 0), countCell(counts.crossedBooks ?? 0),
      cell(book.bestBid ?? '-'), cell(book.bestAsk ?? '-')];
  });
  lines.push(...table(['VENUE', 'BOOK', 'STATE', 'REASON', 'RESYNCS', 'CHECKSUM', 'GAPS', 'CROSSED', 'BID', 'ASK'], bookRows, color));
  return `${lines.join('\n')}\n`;
}
