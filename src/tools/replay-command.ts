// `npm run replay -- <recording or bundle> [--json]` (or `node dist/main.js replay …`): plays a flight recording
// (<log directory>/recorder/frames-*.ndjson.gz) or an incident bundle (<log directory>/incidents/incident-*.ndjson.gz)
// through the venue adapters and prints the integrity verdicts and the final books.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { replayLines, type ReplayResult } from './replay.ts';

export const REPLAY_USAGE = 'usage: market-gateway replay <frames-….ndjson.gz | incident-….ndjson.gz> [--json]';

export function readRecording(path: string): string[] {
  const raw = readFileSync(path);
  const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
  return (gzipped ? gunzipSync(raw) : raw).toString('utf8').split('\n');
}

function iso(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : '-';
}

export function formatReplay(file: string, result: ReplayResult): string {
  const out: string[] = [];
  const dropped = result.droppedFrames > 0 ? `, ${result.droppedFrames} frames dropped by the recorder` : '';
  out.push(`replay of ${file}: ${result.sockets} socket(s), ${result.frames} frames${dropped}`);
  const { incident } = result;
  if (incident !== undefined) {
    const same = result.verdicts.find((v) => v.exchange === incident.exchange && v.symbol === incident.symbol
      && v.reason === incident.reason);
    out.push(`incident: ${incident.exchange} ${incident.symbol} ${incident.reason} at ${incident.at} (conn ${incident.connection}): `
      + `${incident.message}`);
    out.push(`replayed verdict: ${same === undefined ? 'NOT reproduced' : `${same.reason} at ${iso(same.at)}: reproduced`}`);
    if (same !== undefined && incident.bookBefore !== null && same.bookBefore !== null) {
      const identical = JSON.stringify([same.bookBefore.bids, same.bookBefore.asks])
        === JSON.stringify([incident.bookBefore.bids, incident.bookBefore.asks]);
      out.push(`book before the failing frame: ${identical ? 'identical to the gateway\'s' : 'DIFFERS from the gateway\'s'} `
        + `(${incident.bookBefore.bids.length}/${incident.bookBefore.asks.length} levels)`);
    }
  }
  out.push('', result.verdicts.length === 0 ? 'verdicts: none (every book verified)' : 'verdicts:');
  for (const v of result.verdicts) out.push(`  ${iso(v.at)}  ${v.exchange} ${v.symbol}  ${v.reason}  ${v.message}`);
  out.push('', 'books:');
  for (const book of result.books) {
    out.push(`  ${book.exchange} ${book.symbol}  ${book.state}${book.reason === null ? '' : ` (${book.reason})`}  version ${book.version}  `
      + `bid ${book.bids[0]?.join(' x ') ?? '-'}  ask ${book.asks[0]?.join(' x ') ?? '-'}  levels ${book.bids.length}/${book.asks.length}`);
  }
  for (const problem of result.problems) out.push(`note: ${problem}`);
  return `${out.join('\n')}\n`;
}

export function runReplayCommand(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  const files = argv.filter((arg) => !arg.startsWith('--'));
  if (files.length !== 1) {
    process.stderr.write(`${REPLAY_USAGE}\n`);
    return 2;
  }
  const file = files[0]!;
  let lines: string[];
  try {
    lines = readRecording(file);
  } catch (error) {
    process.stderr.write(`market-gateway replay: ${(error as Error).message}\n`);
    return 1;
  }
  const result = replayLines(lines);
  process.stdout.write(argv.includes('--json') ? `${JSON.stringify(result)}\n` : formatReplay(file, result));
  return 0;
}
