// Which files the mutation config covers: its `mutate` entries are exact paths or `dir/**/*.ts` globs.

export function inScope(file: string, patterns: readonly string[]): boolean {
  const path = file.replace(/^\.\//, '');
  return patterns.some((pattern) => {
    const glob = /^(.*)\/\*\*\/\*\.ts$/.exec(pattern);
    return glob === null ? path === pattern : path.startsWith(`${glob[1]}/`) && path.endsWith('.ts');
  });
}
