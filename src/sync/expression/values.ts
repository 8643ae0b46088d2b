/**
 * Values inside the evaluator and the conversions between them. Besides the public ExpressionValue
 * shapes there is one internal kind, DateTimeValue (what CDate, DateAdd, Now and DateFromNum return);
 * it prints as Entra prints dates, `M/d/yyyy h:mm:ss tt` in UTC, whenever a string is needed.
 * Booleans print as .NET prints them: "True" / "False".
 */
import { base64 } from './bytes.ts';
import { ExpressionError } from './expression-error.ts';
import type { ExpressionValue } from './types.ts';

/** A point in time, in UTC milliseconds since 1970. */
export class DateTimeValue {
  constructor(readonly ms: number) {}
}

export type Value = string | number | boolean | null | DateTimeValue | readonly Value[];

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `M/d/yyyy h:mm:ss tt`, the way Entra prints a DateTime. */
export function printEntraDate(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** Converts a value to the public shape (dates become Entra date strings). */
export function toPublic(value: Value): ExpressionValue {
  if (value instanceof DateTimeValue) return printEntraDate(value.ms);
  if (Array.isArray(value)) return (value as readonly Value[]).map(toPublic);
  return value as ExpressionValue;
}

/** Converts an attribute of the source object to a value: undefined → null, Date → DateTimeValue, bytes → base64. */
export function fromAttribute(raw: unknown): Value {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'bigint') return raw.toString();
  if (raw instanceof Date) return new DateTimeValue(raw.getTime());
  // Binary attributes (an LDAP objectGUID or jpegPhoto as a Buffer) read as base64, as LDIF shows them.
  if (raw instanceof Uint8Array) return base64([...raw]);
  if (Array.isArray(raw)) return raw.map(fromAttribute);
  // A complex value (an object) has no place in a string expression; its JSON keeps it inspectable.
  return JSON.stringify(raw);
}

/** True for null and for an empty multi-valued attribute. */
export function isNull(value: Value): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

/** True for null, "" and an empty multi-valued attribute. */
export function isNullOrEmpty(value: Value): boolean {
  return value === '' || isNull(value);
}

/** Formats a number as .NET does for integers and plain decimals. */
function printNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}

/** The string form of a single value (CStr); null stays null; a list is a type error. */
export function toText(value: Value, what: string, position: number): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return printNumber(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof DateTimeValue) return printEntraDate(value.ms);
  const list = value as readonly Value[];
  if (list.length === 0) return null;
  if (list.length === 1) return toText(list[0]!, what, position);
  throw new ExpressionError('type', `${what} expects a single value, got a multi-valued attribute with ${list.length} values`, position);
}

/** The string form, with null read as "". */
export function toTextOrEmpty(value: Value, what: string, position: number): string {
  return toText(value, what, position) ?? '';
}

/** A number from a number, a numeric string ("42", "-1.5", "&HF") or a boolean; otherwise a type error. */
export function toNumber(value: Value, what: string, position: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? -1 : 0;
  const text = toText(value, what, position);
  const parsed = text === null ? undefined : parseNumeric(text);
  if (parsed === undefined) {
    throw new ExpressionError('type', `${what} expects a number, got ${describeValue(value)}`, position);
  }
  return parsed;
}

/** An integer, as toNumber but refusing fractions. */
export function toInteger(value: Value, what: string, position: number): number {
  const n = toNumber(value, what, position);
  if (!Number.isInteger(n)) throw new ExpressionError('type', `${what} expects a whole number, got ${printNumber(n)}`, position);
  return n;
}

/** Parses "42", " -1.5 ", "1e3" or VBA hex "&HF7"; undefined when the text is not a number. */
export function parseNumeric(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^&h[0-9a-f]+$/i.test(trimmed)) return parseInt(trimmed.slice(2), 16);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** A boolean from true/false, "True"/"False" (any case), or a number (non-zero is true); null is false. */
export function toBoolean(value: Value, what: string, position: number): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null) return false;
  if (typeof value === 'number') return value !== 0;
  const text = toText(value, what, position);
  if (text === null) return false;
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  const n = parseNumeric(lower);
  if (n !== undefined) return n !== 0;
  throw new ExpressionError('type', `${what} expects a boolean ("True" or "False") or a number, got ${describeValue(value)}`, position);
}

/** A short description of a value for error messages. */
export function describeValue(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof DateTimeValue) return `the date ${printEntraDate(value.ms)}`;
  if (Array.isArray(value)) return `a multi-valued attribute with ${value.length} values`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The values of a possibly multi-valued value, as a list (null is empty). */
export function toList(value: Value): readonly Value[] {
  if (value === null) return [];
  return Array.isArray(value) ? (value as readonly Value[]) : [value];
}
