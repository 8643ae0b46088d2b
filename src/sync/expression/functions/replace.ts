/**
 * Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName,
 * template): seven positions, most left empty; which ones are written picks one of five modes.
 *   1. oldValue + replacementValue: every oldValue in source becomes replacementValue.
 *   2. oldValue + template: every oldValue in template becomes source.
 *   3. regexPattern + replacementValue: regex replace; replacementValue may use .NET substitutions
 *      (`${name}`, `$1`, `$&`, `$$` …).
 *   4. regexPattern + regexGroupName + replacementValue: only the named group's text is replaced.
 *   5. regexPattern + regexGroupName + replacementAttributeName: source when it has a value, else
 *      the named group extracted from replacementAttributeName's value.
 * .NET regexes mostly work unchanged in JavaScript (named groups `(?<n>…)` included); a leading
 * `(?i)` becomes the i flag. A literal pattern is compiled once, when the expression is.
 */
import { ExpressionError } from '../expression-error.ts';
import { argument, type Call, type Evaluator, type FunctionSpec } from '../evaluation.ts';
import type { State } from '../evaluation.ts';
import { isNullOrEmpty, toText, toTextOrEmpty, type Value } from '../values.ts';

const SOURCE = 0;
const OLD_VALUE = 1;
const REGEX_PATTERN = 2;
const REGEX_GROUP_NAME = 3;
const REPLACEMENT_VALUE = 4;
const REPLACEMENT_ATTRIBUTE_NAME = 5;
const TEMPLATE = 6;

/** Compiles a .NET pattern for JavaScript (global, with group indices); throws ExpressionError `invalidRegex`. */
export function compileDotNetRegex(pattern: string, position: number): RegExp {
  let source = pattern;
  let flags = 'gd';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline !== null) {
    source = source.slice(inline[0].length);
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('m')) flags += 'm';
    if (inline[1]!.includes('s')) flags += 's';
  }
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new ExpressionError('invalidRegex', `Replace: invalid regexPattern ${JSON.stringify(pattern)}: ${(error as Error).message}`, position);
  }
}

/** Expands .NET substitutions in a replacement for one match. */
function substitute(template: string, match: RegExpExecArray, input: string): string {
  return template.replace(/\$(\$|&|`|'|\+|_|\{([^}]*)\}|(\d{1,2}))/g, (whole, token: string, name: string | undefined, number: string | undefined) => {
    if (token === '$') return '$';
    if (token === '&') return match[0];
    if (token === '`') return input.slice(0, match.index);
    if (token === "'") return input.slice(match.index + match[0].length);
    if (token === '+') return match[match.length - 1] ?? '';
    if (token === '_') return input;
    if (name !== undefined) {
      if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
      return match.groups?.[name] ?? (match.groups !== undefined && name in match.groups ? '' : whole);
    }
    const n = Number(number);
    return n < match.length ? (match[n] ?? '') : whole;
  });
}

function replaceWithRegex(input: string, regex: RegExp, replacement: string): string {
  let out = '';
  let last = 0;
  for (const match of input.matchAll(regex)) {
    out += input.slice(last, match.index) + substitute(replacement, match as RegExpExecArray, input);
    last = match.index! + match[0].length;
  }
  return out + input.slice(last);
}

function replaceGroup(input: string, regex: RegExp, group: string, replacement: string, call: Call): string {
  let out = '';
  let last = 0;
  for (const match of input.matchAll(regex)) {
    const span = (match as RegExpExecArray).indices?.groups?.[group];
    if (match.groups === undefined || !(group in match.groups)) {
      throw new ExpressionError('invalidArgument', `Replace: regexGroupName ${JSON.stringify(group)} is not a named group of the pattern`, call.position);
    }
    if (span === undefined) continue;
    out += input.slice(last, span[0]) + replacement;
    last = span[1];
  }
  return out + input.slice(last);
}

type Mode = 1 | 2 | 3 | 4 | 5;

function modeOf(call: Call): Mode {
  const has = (i: number): boolean => call.args[i] !== undefined;
  if (has(REGEX_PATTERN)) {
    if (has(REGEX_GROUP_NAME) && has(REPLACEMENT_ATTRIBUTE_NAME)) return 5;
    if (has(REGEX_GROUP_NAME) && has(REPLACEMENT_VALUE)) return 4;
    if (has(REPLACEMENT_VALUE)) return 3;
  } else if (has(OLD_VALUE)) {
    if (has(TEMPLATE)) return 2;
    if (has(REPLACEMENT_VALUE)) return 1;
  }
  throw new ExpressionError(
    'missingArgument',
    'Replace needs oldValue with replacementValue or template, or regexPattern with replacementValue, regexGroupName and replacementValue, or regexGroupName and replacementAttributeName',
    call.position,
  );
}

function regexOf(call: Call): (state: State) => RegExp {
  const node = call.nodes[REGEX_PATTERN]!;
  if (node.kind === 'string') {
    const compiled = compileDotNetRegex(node.value, node.position);
    return () => compiled;
  }
  const cache = new Map<string, RegExp>();
  const pattern = call.args[REGEX_PATTERN]!;
  return (state) => {
    const text = toTextOrEmpty(pattern(state), argument(call, 'regexPattern'), call.position);
    let regex = cache.get(text);
    if (regex === undefined) {
      regex = compileDotNetRegex(text, call.position);
      if (cache.size < 64) cache.set(text, regex);
    }
    return regex;
  };
}

function implement(call: Call): Evaluator {
  const mode = modeOf(call);
  const arg = (i: number, state: State): Value => call.args[i]?.(state) ?? null;
  const text = (i: number, state: State, param: string): string => toTextOrEmpty(arg(i, state), argument(call, param), call.position);
  const source = call.args[SOURCE]!;
  if (mode === 1 || mode === 2) {
    return (state) => {
      const value = toText(source(state), argument(call, 'source'), call.position);
      if (value === null) return null;
      const old = text(OLD_VALUE, state, 'oldValue');
      if (old === '') throw new ExpressionError('invalidArgument', 'Replace: oldValue must not be empty', call.position);
      return mode === 1 ? value.replaceAll(old, text(REPLACEMENT_VALUE, state, 'replacementValue')) : text(TEMPLATE, state, 'template').replaceAll(old, value);
    };
  }
  const regex = regexOf(call);
  if (mode === 5) {
    return (state) => {
      const value = source(state);
      if (!isNullOrEmpty(value)) return value;
      const other = toText(arg(REPLACEMENT_ATTRIBUTE_NAME, state), argument(call, 'replacementAttributeName'), call.position);
      if (other === null) return null;
      const pattern = regex(state);
      pattern.lastIndex = 0;
      const match = pattern.exec(other);
      pattern.lastIndex = 0;
      return match?.groups?.[text(REGEX_GROUP_NAME, state, 'regexGroupName')] ?? null;
    };
  }
  return (state) => {
    const value = toText(source(state), argument(call, 'source'), call.position);
    if (value === null) return null;
    const replacement = text(REPLACEMENT_VALUE, state, 'replacementValue');
    return mode === 3
      ? replaceWithRegex(value, regex(state), replacement)
      : replaceGroup(value, regex(state), text(REGEX_GROUP_NAME, state, 'regexGroupName'), replacement, call);
  };
}

const REPLACE: FunctionSpec = {
  name: 'Replace',
  params: ['source', 'oldValue', 'regexPattern', 'regexGroupName', 'replacementValue', 'replacementAttributeName', 'template'],
  min: 3,
  optional: [1, 2, 3, 4, 5, 6],
  implementation: implement,
};

export const REPLACE_FUNCTIONS: readonly FunctionSpec[] = [REPLACE];
