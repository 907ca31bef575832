// A configuration that cannot run: every problem at once, each as `key.path: reason`, so an operator fixes the
// file in one pass. main.ts prints formatConfigError(err) to stderr and exits non-zero (remedy: fatal).

export interface ConfigProblem {
  /** Dotted key path (`exchanges.kraken.bookDepth`), a command-line option (`--config`) or an MGW_* variable. */
  readonly key: string;
  /** What is wrong and what was found: `must be one of 10, 25, 100, 500, 1000 (got 30)`. */
  readonly reason: string;
  /** Where the bad value came from: an MGW_* variable or the config file path. */
  readonly source?: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly remedy = 'fatal';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `${p.key}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Multi-line text for stderr. */
export function formatConfigError(err: ConfigError): string {
  const count = err.problems.length;
  const lines = err.problems.map((p) => `  ${p.key}: ${p.reason}${p.source === undefined ? '' : `  [from ${p.source}]`}`);
  return [
    `market-gateway: invalid configuration (${count} problem${count === 1 ? '' : 's'}); nothing was started.`,
    ...lines,
    'Fix the config file (--config <file.json>) or the MGW_* environment variables; --print-config shows the '
      + 'effective configuration.',
  ].join('\n') + '\n';
}

const UNDECLARED = /^configuration param '(.+)' not declared in the schema$/;
const MISSING = /^configuration param '(.+)' missing from config, did you override its parent\?$/;
const KEYED = /^([A-Za-z0-9_.]+): (.*)$/;

/**
 * convict throws one Error whose message holds one line per problem. Our formats write every reason, so the
 * lines are `key: reason` plus convict's own `: value was …` suffix (dropped: our reasons already say "got").
 */
export function problemsFromConvictMessage(message: string, suggest: (key: string) => string | undefined): ConfigProblem[] {
  return message.split('\n').filter((line) => line.trim() !== '').map((line): ConfigProblem => {
    const undeclared = UNDECLARED.exec(line);
    if (undeclared !== null) {
      const key = undeclared[1] ?? '';
      const hint = suggest(key);
      return { key, reason: `unknown key (not in the schema)${hint === undefined ? '' : `; did you mean ${hint}?`}` };
    }
    const missing = MISSING.exec(line);
    if (missing !== null) {
      return { key: missing[1] ?? '', reason: 'missing: a value of the wrong shape replaced it or its parent (an object '
        + 'where a value belongs, or a value where an object belongs)' };
    }
    const keyed = KEYED.exec(line);
    if (keyed !== null) return { key: keyed[1] ?? '', reason: (keyed[2] ?? '').replace(/: value was .*$/, '') };
    return { key: '(config)', reason: line };
  });
}

/** The closest known key for a misspelt one: same letters ignoring case, else a near spelling with the same parent. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  const parent = unknown.slice(0, unknown.lastIndexOf('.') + 1);
  const name = lower.slice(parent.length);
  const allowed = name.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of known) {
    if (!candidate.startsWith(parent) || candidate.slice(parent.length).includes('.')) continue;
    const distance = editDistance(candidate.slice(parent.length).toLowerCase(), name);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance (insert, delete, substitute, swap two neighbours). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
