/**
 * The syntax tree of an expression: a discriminated union on `kind`, frozen, one small factory per
 * node. Every node keeps the 0-based `position` of its first character so later checks and run-time
 * errors can point at it.
 */

export type CompareOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export interface AttributeNode {
  readonly kind: 'attribute';
  readonly name: string;
  readonly position: number;
}

export interface StringNode {
  readonly kind: 'string';
  readonly value: string;
  readonly position: number;
}

export interface NumberNode {
  readonly kind: 'number';
  readonly value: number;
  /** The literal as written (`7`, `-10`, `&HF7`), kept for printing. */
  readonly text: string;
  readonly position: number;
}

/** A bare name standing for a constant: vbBinaryCompare, vbTextCompare, True, False. */
export interface ConstantNode {
  readonly kind: 'constant';
  readonly name: string;
  readonly value: number | boolean;
  readonly position: number;
}

/** An argument position left empty, as in `Switch([IsSoftDeleted], , "False", "True")`. */
export interface OmittedNode {
  readonly kind: 'omitted';
  readonly position: number;
}

export interface CallNode {
  readonly kind: 'call';
  /** The function name as written; the checker resolves it case-insensitively. */
  readonly name: string;
  readonly args: readonly ExpressionNode[];
  readonly position: number;
}

export interface CompareNode {
  readonly kind: 'compare';
  readonly operator: CompareOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  /** Where the operator is. */
  readonly position: number;
}

export type ExpressionNode = AttributeNode | StringNode | NumberNode | ConstantNode | OmittedNode | CallNode | CompareNode;

export const attributeNode = (name: string, position: number): AttributeNode => Object.freeze({ kind: 'attribute', name, position });
export const stringNode = (value: string, position: number): StringNode => Object.freeze({ kind: 'string', value, position });
export const numberNode = (value: number, text: string, position: number): NumberNode => Object.freeze({ kind: 'number', value, text, position });
export const constantNode = (name: string, value: number | boolean, position: number): ConstantNode =>
  Object.freeze({ kind: 'constant', name, value, position });
export const omittedNode = (position: number): OmittedNode => Object.freeze({ kind: 'omitted', position });
export const callNode = (name: string, args: readonly ExpressionNode[], position: number): CallNode =>
  Object.freeze({ kind: 'call', name, args: Object.freeze([...args]), position });
export const compareNode = (operator: CompareOperator, left: ExpressionNode, right: ExpressionNode, position: number): CompareNode =>
  Object.freeze({ kind: 'compare', operator, left, right, position });
