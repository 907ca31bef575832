// Building blocks of the convict schema: a leaf is convict's property plus the rule properties our formats read.
import type convict from 'convict';
import { FORMAT, type FormatRules } from './formats.ts';

export type Leaf<T> = convict.SchemaObj<T> & FormatRules;

export function leaf<T>(format: string, defaultValue: T, doc: string, rules: FormatRules = {}): Leaf<T> {
  return { doc, format, default: defaultValue, ...rules };
}
export const int = (defaultValue: number, doc: string, rules: FormatRules): Leaf<number> =>
  leaf(FORMAT.int, defaultValue, doc, rules);
export const bool = (defaultValue: boolean, doc: string): Leaf<boolean> => leaf(FORMAT.bool, defaultValue, doc);
export const oneOf = <T extends string>(values: readonly T[], defaultValue: T, doc: string): Leaf<T> =>
  leaf(FORMAT.oneOf, defaultValue, doc, { values });

export const MS_HOUR = 3_600_000;
export const MS_DAY = 86_400_000;
export const MIB = 1_048_576;
