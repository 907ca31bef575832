// `--name value` options of the bench sub-commands: numbers, number lists, strings; unknown options throw.
export type OptionValue = number | string | readonly number[] | readonly string[] | boolean;

export function parseOptions<T extends Record<string, OptionValue>>(args: readonly string[], defaults: T): T {
  const out: Record<string, OptionValue> = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!Object.hasOwn(defaults, name)) throw new Error(`unknown option ${arg} (known: ${Object.keys(defaults).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(' ')})`);
    const current = defaults[name];
    if (typeof current === 'boolean') {
      out[name] = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    if (typeof current === 'number') {
      const number = Number(value);
      if (!Number.isFinite(number) || number < 0) throw new Error(`${arg}: not a non-negative number: ${value}`);
      out[name] = number;
    } else if (Array.isArray(current)) {
      const items = value.split(',').filter((item) => item.length > 0);
      const numeric = current.length > 0 && typeof current[0] === 'number';
      if (numeric && items.some((item) => !Number.isFinite(Number(item)))) throw new Error(`${arg}: not a list of numbers: ${value}`);
      out[name] = numeric ? items.map(Number) : items;
    } else {
      out[name] = value;
    }
  }
  return out as T;
}
