// convict formats for the gateway schema. Every reason reads "must … (got X)" so that a problem prints as
// `exchanges.kraken.bookDepth: must be one of 10, 25, 100, 500, 1000 (got 30)`.
// Coercion: MGW_* variables (and strings in a config file) are converted only when the text is unambiguous
// ("8787" → 8787, "true" → true); anything else stays a string and fails validation with its original text.
import convict from 'convict';

export const FORMAT = {
  int: 'mgw-int',
  bool: 'mgw-bool',
  oneOf: 'mgw-one-of',
  text: 'mgw-text',
  host: 'mgw-host',
  wsUrl: 'mgw-ws-url',
  httpUrl: 'mgw-http-url',
  symbols: 'mgw-symbols',
} as const;

/** Extra properties a schema leaf may carry for the formats above. */
export interface FormatRules {
  /** mgw-int: inclusive bounds and an optional list of allowed values. */
  readonly min?: number;
  readonly max?: number;
  readonly oneOf?: readonly number[];
  /** mgw-one-of: the allowed strings. */
  readonly values?: readonly string[];
}

/** `BASE/QUOTE`, upper case letters and digits (`BTC/USD`, `BTC/USDT`, `1INCH/EUR`). */
export const SYMBOL_PATTERN = /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/;

/** `(got 30)`, `(got "abc")`, `(got {"x":1})`: the offending value, shortened. */
export function got(value: unknown): string {
  const text = typeof value === 'object' || typeof value === 'string' ? JSON.stringify(value) ?? String(value) : String(value);
  return `(got ${text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}

export function checkInt(value: unknown, rules: FormatRules): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`must be an integer ${got(value)}`);
  if (rules.oneOf !== undefined && !rules.oneOf.includes(value)) {
    throw new Error(`must be one of ${rules.oneOf.join(', ')} ${got(value)}`);
  }
  if (rules.min !== undefined && value < rules.min) throw new Error(`must be at least ${rules.min} ${got(value)}`);
  if (rules.max !== undefined && value > rules.max) throw new Error(`must be at most ${rules.max} ${got(value)}`);
}

export function checkOneOf(value: unknown, rules: FormatRules): void {
  const values = rules.values ?? [];
  if (typeof value !== 'string' || !values.includes(value)) {
    throw new Error(`must be one of ${values.join(', ')} ${got(value)}`);
  }
}

export function checkHost(value: unknown): void {
  if (typeof value !== 'string' || !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(value)) {
    throw new Error(`must be a host name or IP address such as 127.0.0.1 ${got(value)}`);
  }
}

function checkUrl(value: unknown, protocols: readonly string[]): void {
  const wanted = `must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL`;
  if (typeof value !== 'string') throw new Error(`${wanted} ${got(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${wanted} ${got(value)}`);
  }
  if (!protocols.includes(url.protocol) || url.hostname === '') throw new Error(`${wanted} ${got(value)}`);
  if (url.username !== '' || url.password !== '') throw new Error(`must not embed credentials in the URL ${got(url.host)}`);
}

export function checkWsUrl(value: unknown): void {
  checkUrl(value, ['ws:', 'wss:']);
}

export function checkHttpUrl(value: unknown): void {
  checkUrl(value, ['http:', 'https:']);
}

export function checkSymbols(value: unknown): void {
  if (!Array.isArray(value)) throw new Error(`must be a list of BASE/QUOTE symbols ${got(value)}`);
  const seen = new Set<string>();
  for (const symbol of value as unknown[]) {
    if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
      const hint = typeof symbol === 'string' && SYMBOL_PATTERN.test(symbol.replace(/[-_]/, '/').toUpperCase())
        ? ` (did you mean "${symbol.replace(/[-_]/, '/').toUpperCase()}"?)` : '';
      throw new Error(`must list symbols as BASE/QUOTE in upper case, e.g. "BTC/USD" ${got(symbol)}${hint}`);
    }
    if (seen.has(symbol)) throw new Error(`must not list a symbol twice ${got(symbol)}`);
    seen.add(symbol);
  }
}

function coerceInt(text: string): number | string {
  return /^-?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : text;
}

function coerceBool(text: string): boolean | string {
  const lower = text.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : text;
}

/** `"BTC/USD, ETH/USD"` → `["BTC/USD", "ETH/USD"]`; an empty string is an empty list. */
function coerceSymbols(text: string): string[] {
  return text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}

/** convict hands formats the schema leaf; this reads our rule properties from it without trusting its types. */
function rulesOf(schema: convict.SchemaObj): FormatRules {
  const numbers = (value: unknown): readonly number[] | undefined =>
    Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : undefined;
  const strings = (value: unknown): readonly string[] | undefined =>
    Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  const num = (value: unknown): number | undefined => typeof value === 'number' ? value : undefined;
  const min: unknown = schema['min'];
  const max: unknown = schema['max'];
  const oneOf: unknown = schema['oneOf'];
  const values: unknown = schema['values'];
  return { min: num(min), max: num(max), oneOf: numbers(oneOf), values: strings(values) };
}

let registered = false;

/** Idempotent: convict keeps formats in a process-wide table. */
export function registerFormats(): void {
  if (registered) return;
  registered = true;
  convict.addFormats({
    [FORMAT.int]: { validate: (v: unknown, s: convict.SchemaObj) => checkInt(v, rulesOf(s)), coerce: coerceInt },
    [FORMAT.bool]: {
      validate: (v: unknown) => {
        if (typeof v !== 'boolean') throw new Error(`must be true or false ${got(v)}`);
      },
      coerce: coerceBool,
    },
    [FORMAT.oneOf]: { validate: (v: unknown, s: convict.SchemaObj) => checkOneOf(v, rulesOf(s)) },
    [FORMAT.text]: {
      validate: (v: unknown) => {
        if (typeof v !== 'string') throw new Error(`must be a string ${got(v)}`);
      },
    },
    [FORMAT.host]: { validate: checkHost },
    [FORMAT.wsUrl]: { validate: checkWsUrl },
    [FORMAT.httpUrl]: { validate: checkHttpUrl },
    [FORMAT.symbols]: { validate: checkSymbols, coerce: coerceSymbols },
  });
}
