/**
 * Splits an expression into tokens: `[attribute]`, `"string"` (with `\"` and `\\` escapes), numbers
 * (`7`, `-10`, `1.5`, VBA hex `&HF7`), names, `(`, `)`, `,` and the comparison operators
 * `= <> < <= > >=`. Whitespace, newlines included, separates tokens and is otherwise ignored.
 */
import { ExpressionError } from './expression-error.ts';

export type TokenKind = 'attribute' | 'string' | 'number' | 'name' | '(' | ')' | ',' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The decoded value: attribute name, string contents, operator, name, or the number's text. */
  readonly text: string;
  readonly position: number;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isNameStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isNamePart = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0';

/** Describes a character for an error message. */
export function describeChar(c: string | undefined): string {
  return c === undefined ? 'the end of the expression' : `"${c}"`;
}

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    // Any other backslash is kept as written, so a regex such as "\d+" works with or without doubling.
    value += c;
    i += 1;
  }
  throw new ExpressionError('syntax', 'unterminated string: expected a closing " (write \\" for a quote inside a string)', start);
}

function readAttribute(text: string, start: number): { value: string; end: number } {
  const close = text.indexOf(']', start + 1);
  if (close < 0) throw new ExpressionError('syntax', 'unterminated attribute: expected "]" to close "["', start);
  const name = text.slice(start + 1, close).trim();
  if (name === '') throw new ExpressionError('syntax', 'empty attribute name: expected a name between "[" and "]"', start);
  return { value: name, end: close + 1 };
}

function readNumber(text: string, start: number): { value: string; end: number } {
  let i = start;
  if (text[i] === '-' || text[i] === '+') i += 1;
  while (i < text.length && isDigit(text[i]!)) i += 1;
  if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
    i += 1;
    while (i < text.length && isDigit(text[i]!)) i += 1;
  }
  if (i < text.length && isNamePart(text[i]!)) {
    throw new ExpressionError('syntax', `malformed number: unexpected ${describeChar(text[i])} after "${text.slice(start, i)}"`, i);
  }
  return { value: text.slice(start, i), end: i };
}

function readHex(text: string, start: number): { value: string; end: number } {
  let i = start + 2;
  while (i < text.length && /[0-9A-Fa-f]/.test(text[i]!)) i += 1;
  if (i === start + 2) throw new ExpressionError('syntax', 'malformed hex number: expected hex digits after "&H"', start);
  if (i < text.length && isNamePart(text[i]!)) {
    throw new ExpressionError('syntax', `malformed hex number: unexpected ${describeChar(text[i])}`, i);
  }
  return { value: text.slice(start, i), end: i };
}

function readOperator(text: string, i: number): string | undefined {
  const two = text.slice(i, i + 2);
  if (two === '<>' || two === '<=' || two === '>=') return two;
  const one = text[i];
  return one === '=' || one === '<' || one === '>' ? one : undefined;
}

/** Tokenizes `text`; the last token is always `end`. Throws ExpressionError on a malformed token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, position: i });
      i += 1;
    } else if (c === '"') {
      const { value, end } = readString(text, i);
      tokens.push({ kind: 'string', text: value, position: i });
      i = end;
    } else if (c === '[') {
      const { value, end } = readAttribute(text, i);
      tokens.push({ kind: 'attribute', text: value, position: i });
      i = end;
    } else if (isDigit(c) || ((c === '-' || c === '+') && isDigit(text[i + 1] ?? ''))) {
      const { value, end } = readNumber(text, i);
      tokens.push({ kind: 'number', text: value, position: i });
      i = end;
    } else if (c === '&' && (text[i + 1] === 'H' || text[i + 1] === 'h')) {
      const { value, end } = readHex(text, i);
      tokens.push({ kind: 'number', text: value, position: i });
      i = end;
    } else if (isNameStart(c)) {
      let end = i + 1;
      while (end < text.length && isNamePart(text[end]!)) end += 1;
      tokens.push({ kind: 'name', text: text.slice(i, end), position: i });
      i = end;
    } else {
      const operator = readOperator(text, i);
      if (operator === undefined) {
        throw new ExpressionError(
          'syntax',
          `unexpected ${describeChar(c)}: expected a function call, an [attribute], a "string", a number or a comparison operator`,
          i,
        );
      }
      tokens.push({ kind: 'operator', text: operator, position: i });
      i += operator.length;
    }
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}
