/**
 * Parses an expression into its syntax tree.
 *
 *   expression := operand [ operator operand ]        operator: = <> < <= > >=
 *   operand    := name "(" [ argument { "," argument } ] ")" | "[" attribute "]" | string | number
 *               | name (a constant: vbBinaryCompare, vbTextCompare, True, False) | "(" expression ")"
 *   argument   := expression | (nothing: an omitted argument)
 *
 * Every error is an ExpressionError with code `syntax`, the 0-based position where parsing stopped,
 * and a message saying what was expected there.
 */
import { ExpressionError } from './expression-error.ts';
import { tokenize, type Token } from './lexer.ts';
import {
  attributeNode,
  callNode,
  compareNode,
  constantNode,
  numberNode,
  omittedNode,
  stringNode,
  type CompareOperator,
  type ExpressionNode,
} from './nodes.ts';

/** Deeper nesting than this is refused rather than risking the call stack. */
export const MAX_NESTING = 100;

/** The bare names that stand for constants (VBA's compare modes and the two booleans). */
const CONSTANTS: ReadonlyMap<string, { name: string; value: number | boolean }> = new Map([
  ['vbbinarycompare', { name: 'vbBinaryCompare', value: 0 }],
  ['vbtextcompare', { name: 'vbTextCompare', value: 1 }],
  ['true', { name: 'True', value: true }],
  ['false', { name: 'False', value: false }],
]);

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return 'a string';
    case 'attribute':
      return `[${token.text}]`;
    default:
      return `"${token.text}"`;
  }
}

function parseNumber(token: Token): ExpressionNode {
  const text = token.text;
  const value = /^&h/i.test(text) ? parseInt(text.slice(2), 16) : Number(text);
  return numberNode(value, text, token.position);
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private fail(expected: string, token: Token = this.peek()): never {
    throw new ExpressionError('syntax', `expected ${expected}, found ${describe(token)}`, token.position);
  }

  parseAll(): ExpressionNode {
    if (this.peek().kind === 'end') this.fail('an expression (a function call, an [attribute], a "string" or a number)');
    const node = this.parseExpression();
    if (this.peek().kind !== 'end') this.fail('the end of the expression (or a comparison operator)');
    return node;
  }

  private parseExpression(): ExpressionNode {
    const left = this.parseOperand();
    const token = this.peek();
    if (token.kind !== 'operator') return left;
    this.next();
    const right = this.parseOperand();
    if (this.peek().kind === 'operator') {
      this.fail('"," or ")" — comparisons cannot be chained; nest IIF instead');
    }
    return compareNode(token.text as CompareOperator, left, right, token.position);
  }

  private parseOperand(): ExpressionNode {
    const token = this.next();
    switch (token.kind) {
      case 'attribute':
        return attributeNode(token.text, token.position);
      case 'string':
        return stringNode(token.text, token.position);
      case 'number':
        return parseNumber(token);
      case 'name':
        return this.peek().kind === '(' ? this.parseCall(token) : this.parseConstant(token);
      case '(':
        return this.nested(token, () => {
          const inner = this.parseExpression();
          if (this.peek().kind !== ')') this.fail('")" to close the "(" at position ' + token.position);
          this.next();
          return inner;
        });
      default:
        return this.fail('a function call, an [attribute], a "string" or a number', token);
    }
  }

  private parseConstant(token: Token): ExpressionNode {
    const constant = CONSTANTS.get(token.text.toLowerCase());
    if (constant === undefined) {
      throw new ExpressionError(
        'unknownConstant',
        `unknown name "${token.text}": expected "(" after a function name, or one of the constants vbBinaryCompare, vbTextCompare, True, False (attributes are written [${token.text}])`,
        token.position,
      );
    }
    return constantNode(constant.name, constant.value, token.position);
  }

  private parseCall(name: Token): ExpressionNode {
    this.next(); // "("
    return this.nested(name, () => {
      const args: ExpressionNode[] = [];
      if (this.peek().kind === ')') {
        this.next();
        return callNode(name.text, args, name.position);
      }
      for (;;) {
        const token = this.peek();
        args.push(token.kind === ',' || token.kind === ')' ? omittedNode(token.position) : this.parseExpression());
        const after = this.next();
        if (after.kind === ')') return callNode(name.text, args, name.position);
        if (after.kind !== ',') this.fail(`"," or ")" after argument ${args.length} of ${name.text}`, after);
      }
    });
  }

  private nested<T>(at: Token, parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_NESTING) throw new ExpressionError('syntax', `nesting deeper than ${MAX_NESTING} levels`, at.position);
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }
}

/** Parses `text` into a syntax tree; throws ExpressionError (code `syntax` or `unknownConstant`). */
export function parseExpression(text: string): ExpressionNode {
  return new Parser(tokenize(text)).parseAll();
}
