// Command line of `npm run soak`: the chaos soak's knobs, with defaults (per venue) that keep one run bounded.
import { BINANCE_FAULT_KINDS } from './binance-faults.ts';
import { KRAKEN_FAULT_KINDS } from './kraken-faults.ts';
import { VENUES, type VenueName } from './venue.ts';

export interface SoakOptions {
  /** The venue whose simulator the gateway runs against. */
  readonly venue: VenueName;
  /** Fault injection stops after this; the run then measures the quiet end state and stops itself. */
  readonly minutes: number;
  readonly seed: number;
  readonly symbols: readonly string[];
  readonly bots: number;
  /** Fault kinds drawn from (all of the venue's by default); one kind alone makes a minimal reproduction. */
  readonly faults: readonly string[];
  /** At least this long between two fault injections (the next also waits for the previous check). */
  readonly intervalMs: number;
  /** A fault not recovered from (every book live again) within this is a failed check. */
  readonly recoverDeadlineMs: number;
  /** The gateway's connect budget (exchanges.<venue>.reconnect.budgetAttempts / budgetWindowMs). */
  readonly budgetAttempts: number;
  readonly budgetWindowMs: number;
  /** exchanges.<venue>.resyncBudget; undefined = the production default. */
  readonly resyncBudget: number | undefined;
  /** Where soak[-<venue>]-<ISO time>.json goes. */
  readonly outDir: string;
}

const FAULT_KINDS: Readonly<Record<VenueName, readonly string[]>> = { kraken: KRAKEN_FAULT_KINDS, binance: BINANCE_FAULT_KINDS };

/** Per venue: its symbols, faults, and the most connect-budget attempts the venue tolerates per window. */
const VENUE_DEFAULTS: Readonly<Record<VenueName, Pick<SoakOptions, 'symbols' | 'faults' | 'budgetAttempts' | 'budgetWindowMs' | 'resyncBudget'>
  & { readonly maxBudgetAttempts: number }>> = {
  kraken: { symbols: ['BTC/USD', 'ETH/USD', 'XRP/USD'], faults: KRAKEN_FAULT_KINDS, budgetAttempts: 150, budgetWindowMs: 600_000,
    resyncBudget: undefined, maxBudgetAttempts: 150 },
  // Binance allows 300 connection attempts per 5 minutes per IP. Most Binance faults resync one book: the production
  // resync budget (5 per 10 min per symbol) would hold books back after a minute or two, so the soak raises it.
  binance: { symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], faults: BINANCE_FAULT_KINDS, budgetAttempts: 300,
    budgetWindowMs: 300_000, resyncBudget: 1000, maxBudgetAttempts: 300 },
};

export const SOAK_USAGE = `usage: npm run soak -- [options]
  --venue kraken|binance  the simulator the gateway runs against (default kraken)
  --minutes N           fault injection time (default 5; fractions allowed)
  --seed N              seed of the fault order and of the simulator's markets (default: from the clock, printed)
  --symbols A,B         symbols (default Kraken BTC/USD,ETH/USD,XRP/USD; Binance BTC/USDT,ETH/USDT,SOL/USDT)
  --bots N              bot connections (default 6), cycling book depth 1/5/10/25 and trades subscriptions
  --faults a,b          fault kinds to draw from (default all of the venue's):
                        kraken: ${KRAKEN_FAULT_KINDS.join(', ')}
                        binance: ${BINANCE_FAULT_KINDS.join(', ')}
  --interval-ms N       at least this long between two faults (default 3000)
  --recover-deadline-ms N  a fault must be recovered from within this (default 20000)
  --budget-attempts N   gateway connect budget attempts (Kraken: default and most 150, Kraken's per-IP ceiling; 60 =
                        the production default, which paces a soak to ~1 reconnect per 10 s after ~3 min: the soak
                        waits for the budget instead of making the gateway wait. Binance: default and most 300)
  --budget-window-s N   gateway connect budget window (default Kraken 600, Binance 300)
  --resync-budget N     gateway per-symbol resync budget (default Kraken: the production default, 5 per 10 min, a book
                        over it is held not live until a slot frees, which the soak reports as not recovered; Binance
                        1000, as most of its faults resync a book)
  --out DIR             results directory (default bench/results)
Exit code: 0 all checks passed, 1 a check failed, 2 bad options.`;

export class SoakUsageError extends Error {
  override readonly name = 'SoakUsageError';
}

const COMMON_DEFAULTS = { minutes: 5, seed: 0, bots: 6, intervalMs: 3000, recoverDeadlineMs: 20_000, outDir: 'bench/results' } as const;

function number(flag: string, text: string | undefined, min: number, max: number, integer = true): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(value) || value < min || value > max
    || (integer && !Number.isInteger(value))) {
    throw new SoakUsageError(`${flag} needs ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${text ?? 'nothing'}`);
  }
  return value;
}

function list(flag: string, text: string | undefined): string[] {
  const items = (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) throw new SoakUsageError(`${flag} needs a comma list`);
  return items;
}

function venueName(text: string | undefined): VenueName {
  const venue = VENUES.find((known) => known === text);
  if (venue === undefined) throw new SoakUsageError(`--venue needs one of ${VENUES.join(', ')}, got ${text ?? 'nothing'}`);
  return venue;
}

function faultKinds(venue: VenueName, text: string | undefined): string[] {
  return list('--faults', text).map((name) => {
    if (!FAULT_KINDS[venue].includes(name)) throw new SoakUsageError(`unknown ${venue} fault kind "${name}" (known: ${FAULT_KINDS[venue].join(', ')})`);
    return name;
  });
}

interface FlagValue {
  readonly flag: string;
  readonly arg: string;
  readonly value: string | undefined;
}

/** `--flag value` or `--flag=value` pairs, in order (every option takes a value). */
function flagValues(argv: readonly string[]): FlagValue[] {
  const out: FlagValue[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    out.push(eq >= 0 ? { flag: arg.slice(0, eq), arg, value: arg.slice(eq + 1) } : { flag: arg, arg, value: argv[++i] });
  }
  return out;
}

export function parseSoakArgs(argv: readonly string[], clockSeed: number): SoakOptions {
  const given = flagValues(argv);
  const venueFlag = given.find((pair) => pair.flag === '--venue');
  const venue = venueFlag === undefined ? 'kraken' : venueName(venueFlag.value);
  const { maxBudgetAttempts, ...venueDefaults } = VENUE_DEFAULTS[venue];
  const options: { -readonly [K in keyof SoakOptions]: SoakOptions[K] } = { ...COMMON_DEFAULTS, ...venueDefaults, venue, seed: clockSeed >>> 0 };
  for (const { flag, arg, value: text } of given) {
    const value = (): string | undefined => text;
    switch (flag) {
      case '--venue': break;
      case '--minutes': options.minutes = number(flag, value(), 0.1, 24 * 60, false); break;
      case '--seed': options.seed = number(flag, value(), 0, 2 ** 32 - 1); break;
      case '--symbols': options.symbols = list(flag, value()).map((symbol) => symbol.toUpperCase()); break;
      case '--bots': options.bots = number(flag, value(), 1, 200); break;
      case '--faults': options.faults = faultKinds(venue, value()); break;
      case '--interval-ms': options.intervalMs = number(flag, value(), 100, 600_000); break;
      case '--recover-deadline-ms': options.recoverDeadlineMs = number(flag, value(), 1000, 600_000); break;
      case '--budget-attempts': options.budgetAttempts = number(flag, value(), 1, maxBudgetAttempts); break;
      case '--budget-window-s': options.budgetWindowMs = number(flag, value(), 1, 86_400) * 1000; break;
      case '--resync-budget': options.resyncBudget = number(flag, value(), 1, 1000); break;
      case '--out': options.outDir = value() ?? ''; break;
      default: throw new SoakUsageError(`unknown option ${arg}`);
    }
  }
  if (options.outDir === '') throw new SoakUsageError('--out needs a directory');
  return options;
}
