// Effective configuration = schema defaults ← `--config file.json` ← MGW_* variables (one key each).
// Unknown keys, unknown MGW_* variables and bad values stop start-up; every problem is reported at once.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import convict from 'convict';
import { EXCHANGE_IDS, venueAdapters } from '../exchanges/registry.ts';
import { parseCommandLine } from './command-line.ts';
import { closestKey, ConfigError, problemsFromConvictMessage, type ConfigProblem } from './config-error.ts';
import { got } from './formats.ts';
import { configKeys, createSchema, ENV_PREFIX } from './schema.ts';
import type { GatewayConfig, VenueConfig } from './types.ts';
import { isJsonObject, type JsonObject } from '../core/json-shape.ts';

export { ConfigError, formatConfigError, type ConfigProblem } from './config-error.ts';
export { redactedConfigJson } from './redact.ts';

/** process.env itself, not a copy: on Windows it resolves names case-insensitively. */
export type Environment = NodeJS.ProcessEnv;

export interface LoadInput {
  /** Command-line arguments after the script: `process.argv.slice(2)`. */
  readonly argv: readonly string[];
  /** Usually `process.env`; tests pass a literal. */
  readonly env: Environment;
}

export type LoadResult =
  | {
    readonly ok: true;
    /** Deep-frozen. */
    readonly config: GatewayConfig;
    /** `--print-config`: the caller prints redactedConfigJson(config) and exits 0. */
    readonly printConfig: boolean;
    /** Absolute path of the --config file, if one was given. */
    readonly configFile: string | undefined;
    /** Legal but risky settings, worth one warning line each at start-up. */
    readonly warnings: readonly string[];
  }
  | { readonly ok: false; readonly error: ConfigError };

function readConfigFile(path: string, problems: ConfigProblem[]): JsonObject | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push({ key: '--config', reason: `cannot read ${path} (${err instanceof Error ? err.message : String(err)})` });
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    problems.push({ key: '--config', reason: `${path} is not valid JSON (${err instanceof Error ? err.message : String(err)})` });
    return undefined;
  }
  if (!isJsonObject(parsed)) {
    problems.push({ key: '--config', reason: `${path} must hold a JSON object like {"server":{"port":8787}}` });
    return undefined;
  }
  return parsed;
}

function hasPath(root: JsonObject | undefined, key: string): boolean {
  let node: unknown = root;
  for (const part of key.split('.')) {
    if (!isJsonObject(node) || !Object.hasOwn(node, part)) return false;
    node = node[part];
  }
  return true;
}

/**
 * An object where a value belongs or a value where an object belongs: one problem at that key, instead of
 * convict's "missing" line for every key beneath it.
 */
function shapeProblems(schema: object, file: JsonObject, path: string, out: ConfigProblem[]): void {
  for (const [name, node] of Object.entries(schema)) {
    if (!Object.hasOwn(file, name) || typeof node !== 'object' || node === null) continue;
    const value = file[name];
    const key = path === '' ? name : `${path}.${name}`;
    if ('default' in node) {
      if (isJsonObject(value)) out.push({ key, reason: `must be a single value, not an object ${got(value)}` });
    } else if (isJsonObject(value)) {
      shapeProblems(node, value, key, out);
    } else {
      out.push({ key, reason: `must be an object holding ${Object.keys(node).join(', ')} ${got(value)}` });
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Rules that span keys (convict checks one key at a time). */
function crossKeyProblems(config: GatewayConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const id of EXCHANGE_IDS) {
    const venue: VenueConfig = config.exchanges[id];
    const key = `exchanges.${id}`;
    if (venue.enabled && venue.symbols.length === 0) {
      problems.push({ key: `${key}.symbols`, reason: `must list at least one symbol while ${key}.enabled is true` });
    }
    if (venue.reconnect.minDelayMs > venue.reconnect.maxDelayMs) {
      problems.push({ key: `${key}.reconnect.minDelayMs`, reason: `must not exceed ${key}.reconnect.maxDelayMs `
        + `(${venue.reconnect.maxDelayMs}) (got ${venue.reconnect.minDelayMs})` });
    }
  }
  for (const id of EXCHANGE_IDS) {
    // Well-formed names the venue itself would refuse or misread (Kraken: v1 asset names such as XBT/USD).
    for (const symbol of config.exchanges[id].symbols) {
      const problem = venueAdapters[id].symbolProblem?.(symbol);
      if (problem !== undefined) problems.push({ key: `exchanges.${id}.symbols`, reason: problem });
    }
  }
  // The gateway's connect budget must never let its connections go past the venue's own per-IP limit.
  for (const id of EXCHANGE_IDS) {
    const limit = venueAdapters[id].connectBudget;
    const phrase = venueAdapters[id].configFacts.connectLimitName;
    const budget = config.exchanges[id].reconnect;
    const worst = budget.budgetAttempts * Math.ceil(limit.windowMs / budget.budgetWindowMs);
    if (worst > limit.attempts) {
      problems.push({ key: `exchanges.${id}.reconnect.budgetAttempts`, reason: `must keep attempts under ${phrase} `
        + `of ${limit.attempts} per ${limit.windowMs} ms (${budget.budgetAttempts} per ${budget.budgetWindowMs} ms `
        + `allows up to ${worst})` });
    }
  }
  return problems;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;

function riskWarnings(config: GatewayConfig): string[] {
  const warnings: string[] = [];
  if (!LOOPBACK.test(config.server.host)) {
    warnings.push(`server.host is ${config.server.host}, not loopback: any machine that can reach it may subscribe `
      + '(there is no authentication)');
  }
  for (const id of EXCHANGE_IDS) {
    const url = new URL(config.exchanges[id].url);
    if (config.exchanges[id].enabled && url.protocol === 'ws:' && !LOOPBACK.test(url.hostname)) {
      warnings.push(`exchanges.${id}.url uses plain ws:// to ${url.hostname}: market data can be altered in transit`);
    }
  }
  return warnings;
}

export function loadConfig(input: LoadInput): LoadResult {
  const { options, problems } = parseCommandLine(input.argv);
  const keys = configKeys();
  const envToKey = new Map(keys.map((k) => [k.env, k.key]));
  const knownEnv = keys.map((k) => k.env);
  // Windows variable names are case-insensitive (process.env resolves either case); elsewhere mgw_x is not MGW_X.
  const caseInsensitive = process.platform === 'win32';
  for (const name of Object.keys(input.env)) {
    const upper = name.toUpperCase();
    if (upper.startsWith(ENV_PREFIX) && !envToKey.has(caseInsensitive ? upper : name)) {
      const hint = closestKey(name, knownEnv);
      problems.push({ key: name, reason: `unknown environment variable (no such key)${hint === undefined ? ''
        : `; did you mean ${hint}?`}` });
    }
  }

  // convict reads only what we hand it: never process.argv, and env only through input.env.
  const schema = createSchema();
  const store = convict<GatewayConfig>(schema, { env: input.env, args: [] });
  const configFile = options.configFile === undefined ? undefined : resolve(options.configFile);
  const fileObject = configFile === undefined ? undefined : readConfigFile(configFile, problems);
  if (fileObject !== undefined) store.load(fileObject);

  const withSource = (problem: ConfigProblem): ConfigProblem => {
    const env = keys.find((k) => problem.key === k.key)?.env;
    if (env !== undefined && input.env[env] !== undefined) return { ...problem, source: env };
    return hasPath(fileObject, problem.key) ? { ...problem, source: configFile } : problem;
  };
  const shapes: ConfigProblem[] = [];
  if (fileObject !== undefined) shapeProblems(schema, fileObject, '', shapes);
  const coveredByShape = (key: string): boolean => shapes.some((p) => key === p.key || key.startsWith(`${p.key}.`));
  problems.push(...shapes.map((p) => ({ ...p, source: configFile })));
  try {
    store.validate({ allowed: 'strict', output: () => undefined });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const known = keys.map((k) => k.key);
    for (const problem of problemsFromConvictMessage(message, (key) => closestKey(key, known))) {
      if (!coveredByShape(problem.key)) problems.push(withSource(problem));
    }
  }
  // Rules across keys run on whatever values were given, so every problem is reported at once, not in rounds (a
  // file whose shape is wrong has no values to run them on).
  const config = deepFreeze(store.getProperties());
  const crossKey = shapes.length > 0 ? [] : crossKeyProblems(config).map(withSource);
  for (const problem of crossKey) {
    if (!problems.some((p) => p.key === problem.key && p.reason === problem.reason)) problems.push(problem);
  }
  if (problems.length > 0) return { ok: false, error: new ConfigError(problems) };
  return { ok: true, config, printConfig: options.printConfig, configFile, warnings: riskWarnings(config) };
}
