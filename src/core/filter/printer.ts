/**
 * Prints a filter AST as canonical RFC 7644 §3.4.2.2 text: lower-case operators and keywords, one
 * space between tokens, JSON-escaped strings, and only the parentheses the precedence rules
 * (not > and > or, left-associative) need, so that `parseFilter(printFilter(f))` deep-equals `f`.
 */
import { printAttributePath } from './attribute-path.ts';
import type { Filter, FilterValue } from './nodes.ts';

/** Binding strength: `or` 1, `and` 2, everything else (atoms, `not (…)`, value paths) 3. */
const precedence = (filter: Filter): number => (filter.kind === 'or' ? 1 : filter.kind === 'and' ? 2 : 3);

/** Prints `filter`, parenthesised when it binds more loosely than `minimum`. */
function printAt(filter: Filter, minimum: number): string {
  const text = printFilter(filter);
  return precedence(filter) < minimum ? `(${text})` : text;
}

/** The literal as filter text: JSON for strings, numbers, booleans and null (`-0` kept). */
export function printValue(value: FilterValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`printValue: ${value} is not a JSON number`);
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** Canonical text of a filter (RFC 7644 §3.4.2.2). */
export function printFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${printAttributePath(filter.path)} ${filter.op} ${printValue(filter.value)}`;
    case 'present':
      return `${printAttributePath(filter.path)} pr`;
    case 'and':
      return `${printAt(filter.left, 2)} and ${printAt(filter.right, 3)}`;
    case 'or':
      return `${printAt(filter.left, 1)} or ${printAt(filter.right, 2)}`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${printAttributePath(filter.path)}[${printFilter(filter.filter)}]`;
  }
}
