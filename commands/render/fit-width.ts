/** Narrowest a column is squeezed to (its text wraps inside), padding included. */
const MIN_COLUMN = 8;

/**
 * Column widths (cli-table3's colWidths: text plus one space each side,
 * measured) for a table that would be wider than `width`: the widest column
 * gives up a character at a time until the table fits or every column is at
 * the minimum. Its cells then wrap instead of widening the table. Undefined
 * when the table fits as it is.
 */
export function squeezedColumns(measured: readonly number[], width: number): number[] | undefined {
  const widths = [...measured];
  // Borders: one character before each column and one after the last.
  const total = () => widths.reduce((sum, value) => sum + value, 0) + widths.length + 1;
  if (total() <= width) return undefined;
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_COLUMN) break;
    widths[widest]! -= 1;
  }
  return widths;
}
