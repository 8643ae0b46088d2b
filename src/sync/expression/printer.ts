/** Prints a syntax tree back to canonical expression text (the inverse of parseExpression). */
import type { ExpressionNode } from './nodes.ts';

/** A string literal for `value`: quotes and backslashes escaped with a backslash. */
export function quoteString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Canonical text of `node`: no spaces except after commas, literals as they parse back. */
export function printExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case 'attribute':
      return `[${node.name}]`;
    case 'string':
      return quoteString(node.value);
    case 'number':
      return node.text;
    case 'constant':
      return node.name;
    case 'omitted':
      return '';
    case 'compare':
      return `${operand(node.left)} ${node.operator} ${operand(node.right)}`;
    case 'call':
      return `${node.name}(${node.args.map((arg) => (arg.kind === 'omitted' ? '' : printExpression(arg))).join(', ')})`;
  }
}

/** A comparison inside a comparison keeps its parentheses: comparisons do not chain. */
function operand(node: ExpressionNode): string {
  return node.kind === 'compare' ? `(${printExpression(node)})` : printExpression(node);
}
