/**
 * A recursive-descent parser for the filter grammar of RFC 7644 §3.4.2.2, Figure 1:
 *
 *   filter     = or
 *   or         = and *("or" and)               ; left-associative
 *   and        = unary *("and" unary)          ; left-associative, binds tighter than "or"
 *   unary      = "not" "(" filter ")" / "(" filter ")" / attrExp
 *   attrExp    = attrPath "pr" / attrPath compareOp compValue / valuePath
 *   valuePath  = attrPath "[" valFilter "]" [ "." subAttr ( "pr" / compareOp compValue ) ]
 *
 * Operators, `and`/`or`/`not` and `true`/`false`/`null` are case-insensitive. The tail after a value
 * path is Entra's matching form (`emails[type eq "work"].value eq "x"`), which the RFC grammar lacks;
 * it is folded into the value path: `emails[type eq "work" and value eq "x"]`. docs/filters.md lists
 * every leniency.
 */
import { badRequest } from '../scim-error.ts';
import type { ScimType } from '../scim-error.ts';
import { splitAttributePath } from './attribute-path.ts';
import { tokenize } from './lexer.ts';
import type { Token } from './lexer.ts';
import { and, attributePath, compare, not, or, present, valuePath } from './nodes.ts';
import type { AttributePath, CompareOperator, Filter, FilterValue } from './nodes.ts';

/** Bounds on what a client may send (RFC 7644 §7 asks servers to protect themselves). */
export interface FilterLimits {
  /** Longest accepted filter, in characters. Default 4096. */
  readonly maxLength?: number;
  /** Deepest accepted nesting of parentheses, `not (…)` and `[…]` value filters. Default 32. */
  readonly maxDepth?: number;
}

/** How `parseFilter` reads a filter: its limits, and whether the lenient profile's leniencies apply. */
export interface FilterOptions extends FilterLimits {
  /**
   * Read a bare word after a comparison operator as a string (`userType eq Employee` as
   * `userType eq "Employee"`), as hand-written requests and some clients send it. `true`, `false`
   * and `null` keep their meaning. Off by default (RFC 7644 §3.4.2.2 requires quotes).
   */
  readonly bareWords?: boolean;
}

/** The limits `parseFilter` applies when none are given. */
export const DEFAULT_FILTER_LIMITS: Readonly<Required<FilterLimits>> = Object.freeze({ maxLength: 4096, maxDepth: 32 });

const COMPARE_OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPERATOR_LIST = '(eq, ne, co, sw, ew, gt, ge, lt, le, pr)';

/** Throws the SCIM error for a problem at a 1-based column. */
export type Failure = (position: number, message: string) => never;

/** A failure that throws `ScimError(400, scimType)` with "Invalid <noun> at position N: …". */
export function failWith(scimType: ScimType, noun: string): Failure {
  return (position, message) => {
    throw badRequest(scimType, `Invalid ${noun} at position ${position}: ${message}`);
  };
}

/** How a token is named in error details. */
export function describeToken(token: Token, noun: string): string {
  if (token.kind === 'end') return `the end of the ${noun}`;
  if (token.kind === 'string') return `the string ${token.text}`;
  return `"${token.text}"`;
}

const isKeyword = (token: Token, keyword: string): boolean =>
  token.kind === 'word' && token.text.length === keyword.length && token.text.toLowerCase() === keyword;

const operatorOf = (token: Token): string | undefined => {
  if (token.kind !== 'word' || token.text.length !== 2) return undefined;
  const op = token.text.toLowerCase();
  return op === 'pr' || COMPARE_OPERATORS.has(op) ? op : undefined;
};

/**
 * The parser state over one token list. Exported for the PATCH path parser, which reuses the
 * attribute and value-filter rules; everything else should call `parseFilter`.
 */
export class FilterParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    readonly fail: Failure,
    private readonly maxDepth: number,
    private readonly noun: string,
    private readonly bareWords = false,
  ) {}

  peek(offset = 0): Token {
    return (this.tokens[this.index + offset] ?? this.tokens[this.tokens.length - 1]) as Token;
  }

  next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  describe(token: Token): string {
    return describeToken(token, this.noun);
  }

  /** `filter = or`; inside `[…]` (`inValue`) paths are sub-attribute names only. */
  parseOr(inValue: boolean): Filter {
    let left = this.parseAnd(inValue);
    while (isKeyword(this.peek(), 'or')) {
      this.next();
      left = or(left, this.parseAnd(inValue));
    }
    return left;
  }

  private parseAnd(inValue: boolean): Filter {
    let left = this.parseUnary(inValue);
    while (isKeyword(this.peek(), 'and')) {
      this.next();
      left = and(left, this.parseUnary(inValue));
    }
    return left;
  }

  private parseUnary(inValue: boolean): Filter {
    const token = this.peek();
    if (token.kind === '(') return this.parseGroup(inValue);
    if (isKeyword(token, 'not') && !this.startsAttributeTail(this.peek(1))) {
      this.next();
      if (this.peek().kind !== '(') {
        this.fail(this.peek().position, `expected "(" after "not", found ${this.describe(this.peek())}`);
      }
      return not(this.parseGroup(inValue));
    }
    if (token.kind === 'word') return this.parseAttributeExpression(inValue);
    const expected = 'expected an attribute name, "(" or "not"';
    if (token.kind === 'string' || token.kind === 'number') {
      return this.fail(token.position, `${expected}, found the value ${token.text}; a filter starts with an attribute, as in userName eq "bjensen"`);
    }
    const plus = token.kind === 'bad' && token.text.includes('+') ? '; "+" is not a space here (decode form-encoded text first)' : '';
    return this.fail(token.position, `${expected}, found ${this.describe(token)}${plus}`);
  }

  /** True when `token` can follow an attribute named `not` (so `not pr` is an attribute test). */
  private startsAttributeTail(token: Token): boolean {
    return token.kind === '[' || operatorOf(token) !== undefined;
  }

  /** `"(" filter ")"`, one level deeper. */
  private parseGroup(inValue: boolean): Filter {
    const open = this.next();
    this.enter(open);
    const inner = this.parseOr(inValue);
    this.expectClose(')', open);
    this.depth -= 1;
    return inner;
  }

  /** Counts one level of nesting at `token` and enforces `maxDepth`. */
  enter(token: Token): void {
    this.depth += 1;
    if (this.depth > this.maxDepth) {
      this.fail(
        token.position,
        `the ${this.noun} nests parentheses, "not" and value filters more than ${this.maxDepth} levels deep (the maxDepth limit)`,
      );
    }
  }

  /** Consumes the closing `)` or `]` of `open`, or fails naming both. */
  expectClose(close: ')' | ']', open: Token): void {
    const token = this.peek();
    if (token.kind === close) {
      this.next();
      return;
    }
    const what = close === ')' ? 'parenthesis' : 'value filter';
    this.fail(
      token.position,
      `expected "and", "or" or "${close}" to close the ${what} opened at position ${open.position}, found ${this.describe(token)}`,
    );
  }

  /** An attribute path token turned into an AttributePath (simple names only inside `[…]`). */
  attributePathOf(token: Token, inValue: boolean): AttributePath {
    const split = splitAttributePath(token.text);
    if (!split.ok) return this.fail(token.position, split.reason);
    const path = split.path;
    if (inValue && (path.uri !== undefined || path.subAttribute !== undefined)) {
      this.fail(
        token.position,
        `inside "[…]" name a sub-attribute of the filtered attribute (as in emails[type eq "work"]), not "${token.text}"`,
      );
    }
    return path;
  }

  private parseAttributeExpression(inValue: boolean): Filter {
    const pathToken = this.next();
    const path = this.attributePathOf(pathToken, inValue);
    const token = this.peek();
    if (token.kind === '[') {
      if (inValue) this.fail(token.position, 'value filters cannot be nested inside another value filter');
      return this.parseValuePath(path, pathToken);
    }
    return this.parseTest(path, pathToken.text);
  }

  /** `"pr"` or `compareOp compValue` after the attribute written as `after`. */
  private parseTest(path: AttributePath, after: string): Filter {
    const token = this.peek();
    const op = operatorOf(token);
    if (op === undefined) {
      return this.fail(
        token.position,
        `expected a comparison operator ${OPERATOR_LIST} after "${after}", found ${this.describe(token)}`,
      );
    }
    this.next();
    if (op === 'pr') return present(path);
    return compare(path, op as CompareOperator, this.parseValue(token.text));
  }

  /** `valFilter "]"` and Entra's optional `.sub op value` tail (or the legacy `] op value`). */
  private parseValuePath(path: AttributePath, pathToken: Token): Filter {
    if (path.subAttribute !== undefined) {
      this.fail(pathToken.position, `a value filter "[…]" must follow an attribute without a sub-attribute, not "${pathToken.text}"`);
    }
    const inner = this.parseValueFilter();
    const tail = this.peek();
    if (tail.kind === 'subAttribute') {
      this.next();
      const sub = tail.text.slice(1);
      return valuePath(path, and(inner, this.parseTest(attributePath(sub), `${pathToken.text}[…]${tail.text}`)));
    }
    const op = operatorOf(tail);
    if (op !== undefined && op !== 'pr') {
      // Entra's old documentation shows `emails[type eq "work"] eq "x"`: compare the `value` sub-attribute.
      return valuePath(path, and(inner, this.parseTest(attributePath('value'), `${pathToken.text}[…]`)));
    }
    return valuePath(path, inner);
  }

  /** `"[" valFilter "]"`, one level deeper; the current token is the `[`. */
  parseValueFilter(): Filter {
    const open = this.next();
    this.enter(open);
    if (this.peek().kind === ']') this.fail(this.peek().position, 'the value filter "[]" is empty');
    const inner = this.parseOr(true);
    this.expectClose(']', open);
    this.depth -= 1;
    return inner;
  }

  /** `compValue = false / null / true / number / string` after the operator `op`. */
  private parseValue(op: string): FilterValue {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value as FilterValue;
    if (isKeyword(token, 'true')) return true;
    if (isKeyword(token, 'false')) return false;
    if (isKeyword(token, 'null')) return null;
    if (this.bareWords && (token.kind === 'word' || (token.kind === 'bad' && !/['+]/.test(token.text)))) return token.text;
    const expected = `expected a value after "${op}" (a quoted string, a number, true, false or null), found ${this.describe(token)}`;
    if (token.kind === 'word' || token.kind === 'bad' || token.kind === 'subAttribute') {
      const bare = token.text.replace(/^'(.*)'$/, '$1');
      return this.fail(token.position, `${expected}; strings must be in double quotes, as in "${bare}"`);
    }
    return this.fail(token.position, expected);
  }
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into the frozen AST of nodes.ts.
 * Throws `ScimError(400, 'invalidFilter')` whose detail names the 1-based position and what was
 * expected, for syntax errors, an empty filter, or a filter beyond the limits of `options`.
 */
export function parseFilter(text: string, options: FilterOptions = {}): Filter {
  const maxLength = options.maxLength ?? DEFAULT_FILTER_LIMITS.maxLength;
  const maxDepth = options.maxDepth ?? DEFAULT_FILTER_LIMITS.maxDepth;
  const fail = failWith('invalidFilter', 'filter');
  if (text.length > maxLength) {
    fail(maxLength + 1, `the filter is ${text.length} characters long, over the limit of ${maxLength} (maxLength)`);
  }
  const parser = new FilterParser(tokenize(text, fail), fail, maxDepth, 'filter', options.bareWords ?? false);
  if (parser.peek().kind === 'end') {
    fail(1, 'the filter is empty; expected an expression such as userName eq "bjensen"');
  }
  const filter = parser.parseOr(false);
  const rest = parser.peek();
  if (rest.kind !== 'end') {
    const hint = rest.kind === ')' ? ' (it has no matching "(")' : '';
    fail(rest.position, `expected "and", "or" or the end of the filter, found ${parser.describe(rest)}${hint}`);
  }
  return filter;
}
