// Command line of `npm run soak`: the chaos soak's knobs, with defaults that keep one run bounded.
import { FAULT_KINDS, type FaultKind } from './soak-faults.ts';

export interface SoakOptions {
  /** Fault injection stops after this; the run then measures the quiet end state and stops itself. */
  readonly minutes: number;
  readonly seed: number;
  readonly symbols: readonly string[];
  readonly bots: number;
  /** Fault kinds drawn from (all by default); one kind alone makes a minimal reproduction. */
  readonly faults: readonly FaultKind[];
  /** At least this long between two fault injections (the next also waits for the previous check). */
  readonly intervalMs: number;
  /** A fault not recovered from (every book live again) within this is a failed check. */
  readonly recoverDeadlineMs: number;
  /** The gateway's connect budget (exchanges.kraken.reconnect.budgetAttempts / budgetWindowMs). */
  readonly budgetAttempts: number;
  readonly budgetWindowMs: number;
  /** exchanges.kraken.resyncBudget; undefined = the production default. */
  readonly resyncBudget: number | undefined;
  /** Where soak-<ISO time>.json goes. */
  readonly outDir: string;
}

export const SOAK_USAGE = `usage: npm run soak -- [options]
  --minutes N           fault injection time (default 5; fractions allowed)
  --seed N              seed of the fault order and of the simulator's markets (default: from the clock, printed)
  --symbols A,B         Kraken symbols (default BTC/USD,ETH/USD,XRP/USD)
  --bots N              bot connections (default 6), cycling book depth 1/5/10/25 and trades subscriptions
  --faults a,b          fault kinds to draw from (default all): ${FAULT_KINDS.join(', ')}
  --interval-ms N       at least this long between two faults (default 3000)
  --recover-deadline-ms N  a fault must be recovered from within this (default 20000)
  --budget-attempts N   gateway connect budget attempts (default 150, Kraken's per-IP ceiling and the most the
                        config allows; 60 = the production default, which paces a soak to ~1 reconnect per 10 s
                        after ~3 min: the soak waits for the budget instead of making the gateway wait)
  --budget-window-s N   gateway connect budget window (default 600)
  --resync-budget N     gateway per-symbol resync budget (default: the production default, 5 per 10 min; a book
                        over it is held not live until a slot frees, which the soak reports as not recovered)
  --out DIR             results directory (default bench/results)
Exit code: 0 all checks passed, 1 a check failed, 2 bad options.`;

export class SoakUsageError extends Error {
  override readonly name = 'SoakUsageError';
}

const DEFAULTS: SoakOptions = {
  minutes: 5, seed: 0, symbols: ['BTC/USD', 'ETH/USD', 'XRP/USD'], bots: 6, faults: FAULT_KINDS, intervalMs: 3000,
  recoverDeadlineMs: 20_000, budgetAttempts: 150, budgetWindowMs: 600_000, resyncBudget: undefined, outDir: 'bench/results',
};

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

function faultKinds(text: string | undefined): FaultKind[] {
  return list('--faults', text).map((name) => {
    const kind = FAULT_KINDS.find((known) => known === name);
    if (kind === undefined) throw new SoakUsageError(`unknown fault kind "${name}" (known: ${FAULT_KINDS.join(', ')})`);
    return kind;
  });
}

export function parseSoakArgs(argv: readonly string[], clockSeed: number): SoakOptions {
  const options: { -readonly [K in keyof SoakOptions]: SoakOptions[K] } = { ...DEFAULTS, seed: clockSeed >>> 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--minutes': options.minutes = number(flag, value(), 0.1, 24 * 60, false); break;
      case '--seed': options.seed = number(flag, value(), 0, 2 ** 32 - 1); break;
      case '--symbols': options.symbols = list(flag, value()).map((symbol) => symbol.toUpperCase()); break;
      case '--bots': options.bots = number(flag, value(), 1, 200); break;
      case '--faults': options.faults = faultKinds(value()); break;
      case '--interval-ms': options.intervalMs = number(flag, value(), 100, 600_000); break;
      case '--recover-deadline-ms': options.recoverDeadlineMs = number(flag, value(), 1000, 600_000); break;
      case '--budget-attempts': options.budgetAttempts = number(flag, value(), 1, 150); break;
      case '--budget-window-s': options.budgetWindowMs = number(flag, value(), 1, 86_400) * 1000; break;
      case '--resync-budget': options.resyncBudget = number(flag, value(), 1, 1000); break;
      case '--out': options.outDir = value() ?? ''; break;
      default: throw new SoakUsageError(`unknown option ${arg}`);
    }
  }
  if (options.outDir === '') throw new SoakUsageError('--out needs a directory');
  return options;
}
