/**
 * Human-readable output of the admin commands: aligned columns for lists and `label: value` lines
 * for one record. Scripts use `--json` instead; these shapes may change between versions.
 */

/** One column of a table: its header and how to read a row's cell. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | boolean | null | undefined;
}

const text = (value: string | number | boolean | null | undefined): string =>
  value === null || value === undefined || value === '' ? '-' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);

/** Renders rows as space-aligned columns under a header line; an empty list renders `empty`. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): string[] {
  if (rows.length === 0) return [empty];
  const cells = rows.map((row) => columns.map((column) => text(column.value(row)).replace(/\s+/g, ' ')));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: readonly string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)];
}

/** Renders `label: value` lines with the labels aligned. */
export function renderRecord(fields: readonly (readonly [string, string | number | boolean | null | undefined])[]): string[] {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)} ${text(value)}`);
}
