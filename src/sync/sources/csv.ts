/**
 * A small CSV reader (RFC 4180 with the usual exceptions): quoted fields with doubled quotes,
 * newlines inside quotes, CRLF or LF line ends, a UTF-8 byte-order mark, a configurable delimiter.
 * The first row is the header; every later row becomes an object keyed by it. Blank lines are
 * skipped; a row with fewer cells than the header leaves the rest empty.
 */

/** A CSV syntax problem, with the 1-based line it was found on. */
export class CsvError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

/** Splits `text` into rows of cells. */
export function parseCsvRows(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let line = 1;
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let rowHasContent = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    if (rowHasContent || row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    rowHasContent = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const next = text[i];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
          throw new CsvError(`unexpected "${next}" after a closing quote`, line);
        }
        continue;
      }
      if (ch === '\n') line += 1;
      cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      rowHasContent = true;
      i += 1;
    } else if (ch === delimiter) {
      endCell();
      rowHasContent = true;
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (quoted) throw new CsvError('a quoted field is not closed', line);
  if (cell !== '' || row.length > 0 || rowHasContent) endRow();
  return rows;
}

/** Parses CSV with a header row into records; empty cells become `null`. */
export function parseCsv(text: string, delimiter = ','): Record<string, string | null>[] {
  const [header, ...rows] = parseCsvRows(text, delimiter);
  if (header === undefined) return [];
  const names = header.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') throw new CsvError('the header has an empty column name', 1);
    if (seen.has(name)) throw new CsvError(`the header repeats the column "${name}"`, 1);
    seen.add(name);
  }
  return rows.map((cells) => {
    const record: Record<string, string | null> = {};
    names.forEach((name, index) => {
      const value = cells[index];
      record[name] = value === undefined || value === '' ? null : value;
    });
    return record;
  });
}
