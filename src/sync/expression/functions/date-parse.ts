/**
 * Reading date strings the way CDate does (a lenient .NET DateTime.Parse, invariant culture, result
 * in UTC): ISO 8601 dates with optional time and offset (`2009-06-15T01:45:30-07:00`,
 * `2020-12-31 23:59:59-08:00`), a date with only an offset (`2020-03-16-07:00`, Workday's form),
 * Entra's own `M/d/yyyy h:mm:ss tt`, and LDAP generalized time (`20150123105347.1Z`). A string
 * without an offset is read as UTC.
 */

/** Milliseconds since 1970 for a valid calendar date and time, undefined for 2/30 and the like. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return undefined;
  return date.getTime();
}

/** Milliseconds of a fraction of a second written as digits ("1" → 100, "1234567" → 123). */
export function fractionMs(digits: string | undefined): number {
  return digits === undefined || digits === '' ? 0 : Math.floor(Number(`0.${digits}`) * 1000 + 1e-6);
}

/** The offset in minutes of `Z`, `+08:00`, `-0700` or `+05`; 0 when absent; undefined when malformed. */
export function offsetMinutes(text: string | undefined): number | undefined {
  if (text === undefined || text === '' || text === 'Z' || text === 'z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (match === null) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? '0');
  if (minutes > 14 * 60) return undefined;
  return match[1] === '-' ? -minutes : minutes;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(AM|PM)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/i;

function build(parts: readonly (string | undefined)[], order: readonly [number, number, number], meridiem?: string): (number | undefined)[] {
  let hour = Number(parts[3] ?? '0');
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return [undefined];
    hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
  }
  return [Number(parts[order[0]]), Number(parts[order[1]]), Number(parts[order[2]]), hour, Number(parts[4] ?? '0'), Number(parts[5] ?? '0')];
}

function assemble(fields: readonly (number | undefined)[], fraction: string | undefined, offset: string | undefined): number | undefined {
  if (fields.some((f) => f === undefined)) return undefined;
  const [year, month, day, hour, minute, second] = fields as number[];
  const local = utcMs(year!, month!, day!, hour!, minute!, second!, fractionMs(fraction));
  const shift = offsetMinutes(offset);
  return local === undefined || shift === undefined ? undefined : local - shift * 60_000;
}

/** Parses a date string to UTC milliseconds; undefined when it is not a date this reader knows. */
export function parseDateText(text: string): number | undefined {
  const trimmed = text.trim();
  let m = ISO.exec(trimmed);
  if (m !== null) return assemble(build([m[1], m[2], m[3], m[4], m[5], m[6]], [0, 1, 2]), m[7], m[8]);
  m = US.exec(trimmed);
  if (m !== null) return assemble(build([m[1], m[2], m[3], m[4], m[5], m[6]], [2, 0, 1], m[8]), m[7], m[9]);
  m = GENERALIZED.exec(trimmed);
  if (m !== null) return assemble(build([m[1], m[2], m[3], m[4], m[5], m[6]], [0, 1, 2]), m[7], m[8]);
  return undefined;
}
