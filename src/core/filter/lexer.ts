/**
 * The lexer of the SCIM filter language (RFC 7644 §3.4.2.2) and of PATCH paths (RFC 7644 §3.5.2).
 * It cuts the text into tokens that remember their 1-based column, so every error can point at the
 * place it found. It knows nothing about grammar: whether `eq` is an operator or an attribute name is
 * the parser's call.
 */
import { unstorableError, unstorableReason } from '../text.ts';

/**
 * - `word`: an attribute path, keyword or operator (`userName`, `urn:…:User:name.givenName`, `and`).
 * - `string`: a JSON string literal; `value` holds the decoded text.
 * - `number`: a JSON number literal; `value` holds the number.
 * - `subAttribute`: `.name` right after `]`, as in `emails[type eq "work"].value`.
 * - `bad`: a run of characters that is none of the above (an unquoted `bjensen@example.com`).
 * - punctuation `(`, `)`, `[`, `]`, and `end` after the last token.
 */
export type TokenKind = 'word' | 'string' | 'number' | 'subAttribute' | 'bad' | '(' | ')' | '[' | ']' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written (for a string, including its quotes). */
  readonly text: string;
  /** 1-based column of the first character. */
  readonly position: number;
  /** The decoded literal of a `string` or `number` token. */
  readonly value?: string | number;
}

/** Reports a lexical error; the caller decides which SCIM error type it becomes. */
export type LexFailure = (position: number, message: string) => never;

const PUNCTUATION = new Set(['(', ')', '[', ']']);
const WORD = /^[A-Za-z$][A-Za-z0-9_\-$:.]*$/;
const SUB_ATTRIBUTE = /^\.[A-Za-z$][A-Za-z0-9_\-$]*$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Splits `text` into tokens, ending with one `end` token. */
export function tokenize(text: string, fail: LexFailure): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (isSpace(c)) {
      i += 1;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, position: i + 1 });
      i += 1;
    } else if (c === '"') {
      const token = readString(text, i, fail);
      tokens.push(token);
      i += token.text.length;
    } else {
      const token = readRun(text, i);
      tokens.push(token);
      i += token.text.length;
    }
  }
  tokens.push({ kind: 'end', text: '', position: text.length + 1 });
  return tokens;
}

/** A maximal run of characters up to whitespace, punctuation or a quote, classified. */
function readRun(text: string, start: number): Token {
  let end = start;
  while (end < text.length) {
    const c = text[end] as string;
    if (isSpace(c) || PUNCTUATION.has(c) || c === '"') break;
    end += 1;
  }
  const run = text.slice(start, end);
  const position = start + 1;
  if (NUMBER.test(run)) return { kind: 'number', text: run, position, value: Number(run) };
  if (WORD.test(run)) return { kind: 'word', text: run, position };
  if (SUB_ATTRIBUTE.test(run)) return { kind: 'subAttribute', text: run, position };
  return { kind: 'bad', text: run, position };
}

/** A JSON string starting at the quote at `start` (RFC 8259 §7), decoded. */
function readString(text: string, start: number, fail: LexFailure): Token {
  let decoded = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      // A value no database stores cannot match anything stored: say so rather than query for it.
      const reason = unstorableReason(decoded);
      if (reason !== undefined) throw unstorableError(`The filter's string at position ${start + 1}`, reason);
      return { kind: 'string', text: text.slice(start, i + 1), position: start + 1, value: decoded };
    }
    if (c !== '\\') {
      decoded += c;
      i += 1;
      continue;
    }
    const [ch, length] = readEscape(text, i, fail);
    decoded += ch;
    i += length;
  }
  return fail(start + 1, 'the string starting here has no closing quote (")');
}

/** The character an escape sequence at `at` (the backslash) stands for, and its length. */
function readEscape(text: string, at: number, fail: LexFailure): [string, number] {
  const letter = text[at + 1];
  if (letter === undefined) return fail(at + 1, 'the string ends inside an escape sequence');
  const simple = SIMPLE_ESCAPES[letter];
  if (simple !== undefined) return [simple, 2];
  if (letter === 'u') {
    const hex = text.slice(at + 2, at + 6);
    if (/^[0-9A-Fa-f]{4}$/.test(hex)) return [String.fromCharCode(parseInt(hex, 16)), 6];
    return fail(at + 1, 'expected four hexadecimal digits after "\\u" in a string');
  }
  return fail(
    at + 1,
    `"\\${letter}" is not a JSON escape; write a backslash as "\\\\" (valid escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`,
  );
}
