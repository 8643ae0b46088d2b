/**
 * .NET date and time format strings, invariant culture, always in UTC: the custom specifiers
 * (yyyy yy y MMMM MMM MM M dddd ddd dd d HH H hh h mm m ss s f…fffffff F…FFFFFFF tt t zzz zz z K,
 * quoted literals, `\` escapes, `%` for a lone specifier) and the standard one-letter patterns
 * (d D f F g G m M o O r R s t T u U y Y). Used both ways: formatting a date, and reading a string
 * that must match a format exactly (FormatDateTime's inputFormat).
 */
import { fractionMs, offsetMinutes, utcMs } from './date-parse.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The invariant culture's standard patterns. */
const STANDARD: Readonly<Record<string, string>> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  m: 'MMMM dd',
  M: 'MMMM dd',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  U: 'dddd, dd MMMM yyyy HH:mm:ss',
  y: 'yyyy MMMM',
  Y: 'yyyy MMMM',
};

export type FormatPart = { readonly literal: string } | { readonly field: string };

const tokenizedFormats = new Map<string, readonly FormatPart[]>();

/** Splits a format into specifier runs and literals (remembered per format); throws a plain Error for a format .NET would refuse. */
export function tokenizeFormat(format: string): readonly FormatPart[] {
  let parts = tokenizedFormats.get(format);
  if (parts === undefined) {
    parts = Object.freeze(splitFormat(format));
    if (tokenizedFormats.size < 256) tokenizedFormats.set(format, parts);
  }
  return parts;
}

function splitFormat(format: string): FormatPart[] {
  if (format.length === 1) {
    const standard = STANDARD[format];
    if (standard === undefined) throw new Error(`"${format}" is not a standard date format (d D f F g G m o r s t T u U y)`);
    return splitFormat(standard);
  }
  const parts: FormatPart[] = [];
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === "'" || c === '"') {
      const close = format.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unterminated quoted literal in date format "${format}"`);
      parts.push({ literal: format.slice(i + 1, close) });
      i = close + 1;
    } else if (c === '\\') {
      if (i + 1 >= format.length) throw new Error(`date format "${format}" ends with a lone "\\"`);
      parts.push({ literal: format[i + 1]! });
      i += 2;
    } else if (c === '%') {
      i += 1;
    } else if ('yMdHhmsfFtzKg'.includes(c)) {
      let end = i + 1;
      while (format[end] === c) end += 1;
      parts.push({ field: format.slice(i, end) });
      i = end;
    } else {
      parts.push({ literal: c });
      i += 1;
    }
  }
  return parts;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function formatField(field: string, d: Date): string {
  const c = field[0]!;
  const n = field.length;
  switch (c) {
    case 'y': {
      const year = d.getUTCFullYear();
      return n === 2 ? pad(year % 100, 2) : n === 1 ? String(year % 100) : pad(year, n);
    }
    case 'M':
      return n >= 4 ? MONTHS[d.getUTCMonth()]! : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, n);
    case 'd':
      return n >= 4 ? DAYS[d.getUTCDay()]! : n === 3 ? DAYS[d.getUTCDay()]!.slice(0, 3) : pad(d.getUTCDate(), n);
    case 'H':
      return pad(d.getUTCHours(), Math.min(n, 2));
    case 'h':
      return pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, Math.min(n, 2));
    case 'm':
      return pad(d.getUTCMinutes(), Math.min(n, 2));
    case 's':
      return pad(d.getUTCSeconds(), Math.min(n, 2));
    case 'f':
      return pad(d.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n);
    case 'F':
      return pad(d.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n).replace(/0+$/, '');
    case 't':
      return (d.getUTCHours() < 12 ? 'AM' : 'PM').slice(0, Math.min(n, 2));
    case 'z':
      return n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
    case 'K':
      return 'Z';
    default:
      return 'A.D.';
  }
}

/** Formats UTC milliseconds with a .NET format string. */
export function formatDate(ms: number, format: string): string {
  const d = new Date(ms);
  return tokenizeFormat(format)
    .map((part) => ('literal' in part ? part.literal : formatField(part.field, d)))
    .join('');
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function fieldPattern(field: string): string {
  const c = field[0]!;
  const n = field.length;
  switch (c) {
    case 'y':
      return n === 1 ? '(\\d{1,2})' : n === 2 ? '(\\d{2})' : `(\\d{${n},5})`;
    case 'M':
      return n >= 4 ? `(${MONTHS.join('|')})` : n === 3 ? `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})` : n === 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'd':
      return n >= 4 ? `(${DAYS.join('|')})` : n === 3 ? `(${DAYS.map((m) => m.slice(0, 3)).join('|')})` : n === 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'H':
    case 'h':
    case 'm':
    case 's':
      return n >= 2 ? '(\\d{2})' : '(\\d{1,2})';
    case 'f':
      return `(\\d{1,${n}})`;
    case 'F':
      return `(\\d{0,${n}})`;
    case 't':
      return n >= 2 ? '(AM|PM)' : '(A|P)';
    case 'z':
      return n >= 3 ? '([+-]\\d{2}:\\d{2})' : n === 2 ? '([+-]\\d{2})' : '([+-]\\d{1,2})';
    case 'K':
      return '(Z|[+-]\\d{2}:\\d{2})?';
    default:
      return '(A\\.D\\.|AD)';
  }
}

interface Fields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  ms?: number;
  pm?: boolean;
  offset?: number;
}

function readField(field: string, text: string, into: Fields): boolean {
  const c = field[0]!;
  const lower = text.toLowerCase();
  switch (c) {
    case 'y': {
      const year = Number(text);
      into.year = field.length <= 2 ? (year < 30 ? 2000 + year : 1900 + year) : year;
      return true;
    }
    case 'M':
      into.month = field.length >= 3 ? MONTHS.findIndex((m) => m.toLowerCase().startsWith(lower)) + 1 : Number(text);
      return true;
    case 'd':
      if (field.length <= 2) into.day = Number(text);
      return true;
    case 'H':
      into.hour = Number(text);
      return true;
    case 'h':
      into.hour = Number(text) % 12;
      return Number(text) >= 1 && Number(text) <= 12;
    case 'm':
      into.minute = Number(text);
      return true;
    case 's':
      into.second = Number(text);
      return true;
    case 'f':
    case 'F':
      into.ms = fractionMs(text);
      return true;
    case 't':
      into.pm = lower.startsWith('p');
      return true;
    case 'z':
    case 'K': {
      const offset = offsetMinutes(text.length <= 3 && text !== 'Z' && text !== '' ? `${text[0]}${text.slice(1).padStart(2, '0')}` : text);
      if (offset === undefined) return false;
      into.offset = offset;
      return true;
    }
    default:
      return true;
  }
}

const compiledFormats = new Map<string, { regex: RegExp; fields: string[] }>();

function compileFormat(format: string): { regex: RegExp; fields: string[] } {
  let compiled = compiledFormats.get(format);
  if (compiled === undefined) {
    const fields: string[] = [];
    let source = '';
    for (const part of tokenizeFormat(format)) {
      if ('literal' in part) {
        source += escapeRegex(part.literal);
      } else {
        fields.push(part.field);
        source += fieldPattern(part.field);
      }
    }
    compiled = { regex: new RegExp(`^${source}$`, 'i'), fields };
    if (compiledFormats.size < 256) compiledFormats.set(format, compiled);
  }
  return compiled;
}

/** Reads `text` written exactly in `format` to UTC milliseconds; undefined when it does not match. */
export function parseDateExact(text: string, format: string): number | undefined {
  const { regex, fields } = compileFormat(format);
  const match = regex.exec(text.trim());
  if (match === null) return undefined;
  const into: Fields = {};
  for (let i = 0; i < fields.length; i += 1) {
    const value = match[i + 1];
    if (value !== undefined && !readField(fields[i]!, value, into)) return undefined;
  }
  const hour = (into.hour ?? 0) + (into.pm === true && (into.hour ?? 0) < 12 ? 12 : 0);
  const local = utcMs(into.year ?? 1, into.month ?? 1, into.day ?? 1, hour, into.minute ?? 0, into.second ?? 0, into.ms ?? 0);
  return local === undefined ? undefined : local - (into.offset ?? 0) * 60_000;
}
