/** String functions: Append, Join, Left, Mid, InStr, ToLower, ToUpper, PCase, StripSpaces, Word, CStr, BitAnd. */
import { ExpressionError } from '../expression-error.ts';
import { argument, nullPropagating, strict, type Call, type FunctionSpec } from '../evaluation.ts';
import { isNullOrEmpty, toInteger, toList, toText, toTextOrEmpty, type Value } from '../values.ts';

const text = (value: Value, call: Call, param: string): string => toTextOrEmpty(value, argument(call, param), call.position);
const int = (value: Value, call: Call, param: string): number => toInteger(value, argument(call, param), call.position);

function invalid(call: Call, message: string): never {
  throw new ExpressionError('invalidArgument', `${call.name}: ${message}`, call.position);
}

/** A null source gives null: a missing attribute leaves the mapping without a value (so its default applies). */
const APPEND: FunctionSpec = {
  name: 'Append',
  params: ['source', 'suffix'],
  implementation: nullPropagating(([source, suffix], call) => text(source!, call, 'source') + text(suffix!, call, 'suffix')),
};

/** Every value of every source (multi-valued ones contribute each value), skipping null and "", joined by the separator. */
const JOIN: FunctionSpec = {
  name: 'Join',
  params: ['separator', 'source'],
  min: 2,
  variadic: true,
  implementation: strict(([separator, ...sources], call) => {
    const parts: string[] = [];
    for (const source of sources) {
      for (const item of toList(source!)) {
        const part = toText(item, argument(call, 'source'), call.position);
        if (part !== null && part !== '') parts.push(part);
      }
    }
    return parts.join(text(separator!, call, 'separator'));
  }),
};

/** Entra's documented edges: 0 → "", negative → the whole string, null → "", short input → the whole input. */
const LEFT: FunctionSpec = {
  name: 'Left',
  params: ['string', 'numChars'],
  implementation: strict(([source, count], call) => {
    const value = text(source!, call, 'string');
    const n = int(count!, call, 'numChars');
    return n < 0 ? value : value.slice(0, n);
  }),
};

/** 1-based start; a length running past the end stops at the end. */
const MID: FunctionSpec = {
  name: 'Mid',
  params: ['source', 'start', 'length'],
  implementation: nullPropagating(([source, start, length], call) => {
    const value = text(source!, call, 'source');
    const from = int(start!, call, 'start');
    const n = int(length!, call, 'length');
    if (from < 1) invalid(call, `start must be 1 or more (the first character is 1), got ${from}`);
    if (n < 0) invalid(call, `length must not be negative, got ${n}`);
    return value.slice(from - 1, from - 1 + n);
  }),
};

/** vbBinaryCompare (0, the default) or vbTextCompare (1, case-insensitive). */
function textCompare(value: Value | undefined, call: Call): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'vbtextcompare') return true;
    if (lower === 'vbbinarycompare') return false;
  }
  const mode = int(value, call, 'compareType');
  if (mode !== 0 && mode !== 1) invalid(call, `compareType must be vbBinaryCompare (0) or vbTextCompare (1), got ${mode}`);
  return mode === 1;
}

/** 1-based position of the first occurrence at or after `start`, 0 when absent; null when either string is null. */
const IN_STR: FunctionSpec = {
  name: 'InStr',
  params: ['value1', 'value2', 'start', 'compareType'],
  min: 2,
  optional: [2, 3],
  implementation: strict(([haystack, needle, start, compare], call) => {
    if (haystack === null || needle === null) return null;
    const from = start === null || start === undefined ? 1 : int(start, call, 'start');
    if (from < 1) invalid(call, `start must be 1 or more, got ${from}`);
    let h = text(haystack!, call, 'value1');
    let n = text(needle!, call, 'value2');
    if (textCompare(compare, call)) {
      h = h.toLowerCase();
      n = n.toLowerCase();
    }
    if (from > h.length + 1) return 0;
    return h.indexOf(n, from - 1) + 1;
  }),
};

const NON_ASCII = /[^ -~\t\n\r]/;

/**
 * .NET's invariant ToUpper/ToLower: one character for one (simple case mapping), so "ß" stays "ß"
 * in upper case and "Σ" is always "σ", where JavaScript's full mapping gives "SS" and a final "ς".
 */
export function invariantCase(value: string, upper: boolean): string {
  if (!NON_ASCII.test(value)) return upper ? value.toUpperCase() : value.toLowerCase();
  let out = '';
  for (const c of value) {
    const mapped = upper ? c.toUpperCase() : c.toLowerCase();
    if (mapped.length === c.length || [...mapped].length === 1) out += mapped;
    else out += upper ? c : String.fromCodePoint(mapped.codePointAt(0)!);
  }
  return out;
}

function changeCase(call: Call, upper: boolean, source: Value, culture: Value | undefined): string {
  const value = text(source, call, 'source');
  const tag = culture === undefined || culture === null ? '' : text(culture, call, 'culture');
  if (tag === '') return invariantCase(value, upper);
  try {
    return upper ? value.toLocaleUpperCase(tag) : value.toLocaleLowerCase(tag);
  } catch {
    return invalid(call, `unknown culture ${JSON.stringify(tag)} (expected a name such as "en-US" or "tr-TR")`);
  }
}

/** Invariant culture by default; a culture name such as "tr-TR" applies that language's rules. */
const TO_LOWER: FunctionSpec = {
  name: 'ToLower',
  params: ['source', 'culture'],
  min: 1,
  optional: [1],
  implementation: nullPropagating(([source, culture], call) => changeCase(call, false, source!, culture)),
};

const TO_UPPER: FunctionSpec = {
  name: 'ToUpper',
  params: ['source', 'culture'],
  min: 1,
  optional: [1],
  implementation: nullPropagating(([source, culture], call) => changeCase(call, true, source!, culture)),
};

/** .NET ToTitleCase's separators: spaces, controls, formats, punctuation and symbols of every kind. */
const DEFAULT_WORD_SEPARATOR = /[\p{Z}\p{Cc}\p{Cf}\p{P}\p{S}]/u;

/** Upper-cases the first character of each word and lower-cases the rest. */
export function properCase(value: string, separators: string | null): string {
  const isSeparator = separators === null ? (c: string) => DEFAULT_WORD_SEPARATOR.test(c) : (c: string) => separators.includes(c);
  let out = '';
  let wordStart = true;
  for (const c of value) {
    if (isSeparator(c)) {
      out += c;
      wordStart = true;
    } else {
      out += invariantCase(c, wordStart);
      wordStart = false;
    }
  }
  return out;
}

const PCASE: FunctionSpec = {
  name: 'PCase',
  params: ['source', 'wordSeparators'],
  min: 1,
  optional: [1],
  implementation: nullPropagating(([source, separators], call) =>
    properCase(text(source!, call, 'source'), separators === null || separators === undefined ? null : text(separators, call, 'wordSeparators')),
  ),
};

/** Removes every " " (and only that character). */
const STRIP_SPACES: FunctionSpec = {
  name: 'StripSpaces',
  params: ['source'],
  implementation: nullPropagating(([source], call) => text(source!, call, 'source').replaceAll(' ', '')),
};

/** The Nth (1-based) word, words being runs of characters between any of the delimiter characters. */
const WORD: FunctionSpec = {
  name: 'Word',
  params: ['string', 'wordNumber', 'delimiters'],
  implementation: strict(([source, number, delimiters], call) => {
    const n = int(number!, call, 'wordNumber');
    if (source === null || n < 1) return '';
    const separators = new Set(text(delimiters!, call, 'delimiters'));
    const words: string[] = [];
    let current = '';
    for (const c of text(source!, call, 'string')) {
      if (separators.has(c)) {
        if (current !== '') words.push(current);
        current = '';
      } else {
        current += c;
      }
    }
    if (current !== '') words.push(current);
    return words[n - 1] ?? '';
  }),
};

/** Numbers print plainly, booleans as "True"/"False", dates as M/d/yyyy h:mm:ss tt. */
const CSTR: FunctionSpec = {
  name: 'CStr',
  params: ['value'],
  implementation: strict(([value], call) => toText(value!, argument(call, 'value'), call.position)),
};

/** Bitwise AND of two integers (decimal, or VBA hex such as &HF7). */
const BIT_AND: FunctionSpec = {
  name: 'BitAnd',
  params: ['value1', 'value2'],
  implementation: strict(([a, b], call) => {
    if (isNullOrEmpty(a!) || isNullOrEmpty(b!)) return null;
    return Number(BigInt(int(a!, call, 'value1')) & BigInt(int(b!, call, 'value2')));
  }),
};

export const TEXT_FUNCTIONS: readonly FunctionSpec[] = [APPEND, JOIN, LEFT, MID, IN_STR, TO_LOWER, TO_UPPER, PCASE, STRIP_SPACES, WORD, CSTR, BIT_AND];
