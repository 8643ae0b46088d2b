/**
 * The shapes the compiler and the function implementations share. An expression compiles to a tree
 * of closures (`Evaluator`), each taking the per-evaluation `State`; a function's implementation is
 * a factory that receives its call site once, at compile time, and returns the closure.
 */
import type { ExpressionNode } from './nodes.ts';
import type { ExpressionContext } from './types.ts';
import { fromAttribute, type Value } from './values.ts';

/** What one evaluation carries: the context and a case-insensitive index of the attributes, built on first need. */
export class State {
  private lowerNames: Map<string, string> | undefined;

  constructor(readonly context: ExpressionContext) {}

  /** The attribute `name`, matched exactly first and then case-insensitively; null when absent. */
  attribute(name: string): Value {
    const attributes = this.context.attributes;
    if (Object.hasOwn(attributes, name)) return fromAttribute(attributes[name]);
    if (this.lowerNames === undefined) {
      this.lowerNames = new Map();
      for (const key of Object.keys(attributes)) {
        const lower = key.toLowerCase();
        if (!this.lowerNames.has(lower)) this.lowerNames.set(lower, key);
      }
    }
    const key = this.lowerNames.get(name.toLowerCase());
    return key === undefined ? null : fromAttribute(attributes[key]);
  }
}

export type Evaluator = (state: State) => Value;

/** A function call as the implementation sees it: canonical name, position, argument closures (undefined = omitted). */
export interface Call {
  readonly name: string;
  readonly position: number;
  readonly args: readonly (Evaluator | undefined)[];
  readonly nodes: readonly ExpressionNode[];
}

/** Turns a call site into its evaluator; may throw ExpressionError to refuse the call at compile time. */
export type Implementation = (call: Call) => Evaluator;

/** Thrown by IgnoreFlowIfNullOrEmpty to leave the target attribute out; caught by `evaluate`. */
export class IgnoreFlowSignal {}
export const IGNORE_FLOW = new IgnoreFlowSignal();

/** The declaration of one function: its parameter names, which may be left empty, and its implementation. */
export interface FunctionSpec {
  readonly name: string;
  /** Parameter names, used in messages; with `variadic`, the last one repeats. */
  readonly params: readonly string[];
  /** How many arguments are required at least (defaults to params.length). */
  readonly min?: number;
  /** The most arguments accepted (defaults to params.length, or Infinity with `variadic`). */
  readonly max?: number;
  readonly variadic?: boolean;
  /** 0-based positions that may be written empty (`Switch(x, , …)`). */
  readonly optional?: readonly number[];
  /** Why the function is refused, when scimd does not support it. */
  readonly unsupported?: string;
  readonly implementation: Implementation;
}

/** Evaluates each argument (omitted ones as null) and calls `fn`: the shape of most functions. */
export function strict(fn: (values: readonly Value[], call: Call) => Value): Implementation {
  return (call) => {
    const args = call.args;
    return (state) => {
      const values = new Array<Value>(args.length);
      for (let i = 0; i < args.length; i += 1) values[i] = args[i]?.(state) ?? null;
      return fn(values, call);
    };
  };
}

/** As `strict`, but null in the first argument gives null without calling `fn`. */
export function nullPropagating(fn: (values: readonly Value[], call: Call) => Value): Implementation {
  return strict((values, call) => (values[0] === null ? null : fn(values, call)));
}

/** "ToLower's culture" — how messages name an argument. */
export function argument(call: Call, param: string): string {
  return `${call.name}'s ${param}`;
}
