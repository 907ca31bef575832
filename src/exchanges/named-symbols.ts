// Which configured symbols a frame names, read from its raw text: for a malformed frame that may have carried book
// data, so only the books it could have touched are resynced. Pure.

/** A venue's way of naming a symbol in frame text: a pattern whose first group is the venue's name for it. */
export interface SymbolMention {
  readonly pattern: RegExp;
  symbolOf(venueName: string): string | undefined;
}

/** Configured symbols named in `text` by any of `mentions`; every configured symbol when none is found. */
export function symbolsNamedIn(text: string, mentions: readonly SymbolMention[], configured: readonly string[]): readonly string[] {
  const found = new Set<string>();
  for (const mention of mentions) {
    for (const match of text.matchAll(mention.pattern)) {
      const symbol = mention.symbolOf(match[1]!);
      if (symbol !== undefined) found.add(symbol);
    }
  }
  return found.size > 0 ? [...found] : configured;
}
