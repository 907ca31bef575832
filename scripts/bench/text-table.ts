// Plain-text tables for the benchmark reports: the first column left-aligned, the others right-aligned.

export function printTable(rows: readonly (readonly string[])[], log: (line: string) => void): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}
