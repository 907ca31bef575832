// Human-readable rendering of one pino NDJSON line for a terminal:
//   10:00:00.123 WARN  expected checksum 3310070434, computed 1205112334 (kraken BTC/USD, conn 3) exchange=kraken …
// The file always gets the NDJSON; this is only for someone watching `npm start`.

const LEVELS: Readonly<Record<number, { readonly name: string; readonly color: number }>> = {
  10: { name: 'TRACE', color: 90 },
  20: { name: 'DEBUG', color: 90 },
  30: { name: 'INFO', color: 32 },
  40: { name: 'WARN', color: 33 },
  50: { name: 'ERROR', color: 31 },
  60: { name: 'FATAL', color: 35 },
};

/** Fields every line has; shown in the prefix or not at all. */
const HIDDEN = new Set(['level', 'time', 'pid', 'service', 'hostname', 'msg', 'err']);

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w./:@+[\]-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function errorStack(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const stack: unknown = (err as { stack?: unknown }).stack;
  const message: unknown = (err as { message?: unknown }).message;
  if (typeof stack === 'string') return stack;
  return typeof message === 'string' ? message : undefined;
}

export function formatTtyLine(line: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null) return line.endsWith('\n') ? line : `${line}\n`;
    record = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVELS[typeof record['level'] === 'number' ? record['level'] : 30] ?? { name: 'INFO', color: 32 };
  const time = typeof record['time'] === 'string' ? record['time'].slice(11, 23) : '';
  const name = level.name.padEnd(5);
  const tag = color ? `\u001b[${level.color}m${name}\u001b[0m` : name;
  const message = typeof record['msg'] === 'string' ? record['msg'] : '';
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${renderValue(value)}`);
  const stack = errorStack(record['err']);
  const detail = fields.length === 0 ? '' : color ? ` \u001b[90m${fields.join(' ')}\u001b[0m` : ` ${fields.join(' ')}`;
  const trailer = stack === undefined ? '' : `\n    ${stack.split('\n').join('\n    ')}`;
  return `${time} ${tag} ${message}${detail}${trailer}\n`;
}
