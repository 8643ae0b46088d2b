/**
 * Compiles an expression: parse, check every call against the function table (known name, argument
 * count, no empty required argument, SelectUniqueValue only at the top), then build a tree of
 * closures that evaluates it. Everything wrong with the text is reported here, with its position,
 * before any source object is seen.
 */
import { compareValues } from './functions/compare.ts';
import { ExpressionError } from './expression-error.ts';
import { IgnoreFlowSignal, State, type Evaluator, type FunctionSpec } from './evaluation.ts';
import type { CallNode, ExpressionNode } from './nodes.ts';
import { parseExpression } from './parser.ts';
import { FUNCTION_NAMES, findFunction } from './registry.ts';
import type { CompiledExpression, ExpressionContext, ExpressionResult } from './types.ts';
import { toPublic } from './values.ts';

interface Compilation {
  readonly attributes: string[];
  readonly seen: Set<string>;
  redacted: boolean;
}

function arityText(spec: FunctionSpec): string {
  const min = spec.min ?? spec.params.length;
  const max = spec.variadic ? Infinity : (spec.max ?? spec.params.length);
  const count = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  const list = spec.variadic ? `${spec.params.join(', ')}, …` : spec.params.join(', ');
  return `${count} argument${min === 1 && max === 1 ? '' : 's'} (${list})`;
}

function closest(name: string): string {
  const lower = name.toLowerCase();
  const near = FUNCTION_NAMES.filter((n) => n.toLowerCase().startsWith(lower.slice(0, 3)));
  return near.length > 0 && near.length <= 4 ? ` (did you mean ${near.join(', ')}?)` : '';
}

function checkCall(node: CallNode, spec: FunctionSpec | undefined, topLevel: boolean): FunctionSpec {
  if (spec === undefined) {
    throw new ExpressionError('unknownFunction', `unknown function "${node.name}"${closest(node.name)}`, node.position);
  }
  if (spec.unsupported !== undefined) throw new ExpressionError('unsupportedFunction', spec.unsupported, node.position);
  if (spec.name === 'SelectUniqueValue' && !topLevel) {
    throw new ExpressionError('nestedSelectUniqueValue', 'SelectUniqueValue must be the whole expression: it cannot be nested in another function', node.position);
  }
  const min = spec.min ?? spec.params.length;
  const max = spec.variadic ? Infinity : (spec.max ?? spec.params.length);
  const count = node.args.length;
  if (count < min || count > max) {
    throw new ExpressionError('arity', `${spec.name} expects ${arityText(spec)}, got ${count}`, node.position);
  }
  node.args.forEach((arg, index) => {
    if (arg.kind === 'omitted' && !(spec.optional ?? []).includes(index)) {
      const param = spec.params[Math.min(index, spec.params.length - 1)];
      throw new ExpressionError('missingArgument', `${spec.name}: argument ${index + 1} (${param}) may not be left empty`, arg.position);
    }
  });
  return spec;
}

function build(node: ExpressionNode, compilation: Compilation, topLevel: boolean): Evaluator | undefined {
  switch (node.kind) {
    case 'omitted':
      return undefined;
    case 'string':
    case 'number':
    case 'constant': {
      const value = node.value;
      return () => value;
    }
    case 'attribute': {
      const name = node.name;
      if (!compilation.seen.has(name.toLowerCase())) {
        compilation.seen.add(name.toLowerCase());
        compilation.attributes.push(name);
      }
      return (state) => state.attribute(name);
    }
    case 'compare': {
      const left = build(node.left, compilation, false)!;
      const right = build(node.right, compilation, false)!;
      const { operator, position } = node;
      return (state) => compareValues(operator, left(state), right(state), position);
    }
    case 'call': {
      const spec = checkCall(node, findFunction(node.name), topLevel);
      if (spec.name === 'Redact') compilation.redacted = true;
      const args = node.args.map((arg) => build(arg, compilation, false));
      return spec.implementation({ name: spec.name, position: node.position, args, nodes: node.args });
    }
  }
}

/** Parses and checks `text`; throws ExpressionError with the position of the first problem. */
export function compileExpression(text: string): CompiledExpression {
  const tree = parseExpression(text);
  const compilation: Compilation = { attributes: [], seen: new Set(), redacted: false };
  const evaluator = build(tree, compilation, true)!;
  const selectsUniqueValue = tree.kind === 'call' && findFunction(tree.name)?.name === 'SelectUniqueValue';
  return Object.freeze({
    source: text,
    attributes: Object.freeze(compilation.attributes),
    redacted: compilation.redacted,
    selectsUniqueValue,
    evaluate(context: ExpressionContext): ExpressionResult {
      try {
        return { flow: true, value: toPublic(evaluator(new State(context))) };
      } catch (error) {
        if (error instanceof IgnoreFlowSignal) return { flow: false };
        throw error;
      }
    },
  });
}
