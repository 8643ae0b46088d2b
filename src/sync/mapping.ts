/**
 * Attribute mappings: each target path gets the value of an expression evaluated over the whole
 * source object (plus `IsSoftDeleted`). A null or empty result takes the mapping's `default`, and
 * without one the attribute is left out (Entra never sends nulls); `IgnoreFlowIfNullOrEmpty`
 * leaves it out as well. `apply: create` mappings are written only when the object is created.
 */
import { compileExpression, type CompiledExpression, type ExpressionContext } from './expression/index.ts';
import type { MappingConfig } from './config-schema.ts';
import type { SourceObject } from './sources/types.ts';

export interface CompiledMapping {
  readonly target: string;
  readonly expression: CompiledExpression;
  readonly default: string | number | boolean | undefined;
  readonly apply: 'always' | 'create';
  readonly matching: number | undefined;
}

/** Target paths whose values are SCIM booleans: Entra-style "True"/"False" strings become booleans. */
const BOOLEAN_LEAF = /(^|[.\]:])(active|primary)$/i;

export function compileMappings(mappings: readonly MappingConfig[]): CompiledMapping[] {
  return mappings.map((m) => ({ target: m.target, expression: compileExpression(m.expression), default: m.default, apply: m.apply, matching: m.matching }));
}

/** The matching mappings in precedence order. */
export function matchingOrder(mappings: readonly CompiledMapping[]): CompiledMapping[] {
  return mappings.filter((m) => m.matching !== undefined).sort((a, b) => a.matching! - b.matching!);
}

/** The value a target expects for `path`: booleans for boolean leaves, the value unchanged otherwise. */
export function targetValue(path: string, value: unknown): unknown {
  if (BOOLEAN_LEAF.test(path) && typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return value;
}

export interface EvaluationContext {
  readonly now: () => Date;
}

/** The attributes an expression sees: the source object's and `IsSoftDeleted`. */
export function expressionAttributes(object: SourceObject): Record<string, unknown> {
  return { ...object.attributes, IsSoftDeleted: object.softDeleted };
}

/**
 * Target path → value for `object`. `phase` `create` includes `apply: create` mappings; `update`
 * leaves them out. Throws when an expression fails to evaluate.
 */
export function desiredValues(mappings: readonly CompiledMapping[], object: SourceObject, phase: 'create' | 'update', context: EvaluationContext): Map<string, unknown> {
  const evaluation: ExpressionContext = { attributes: expressionAttributes(object), now: context.now };
  const values = new Map<string, unknown>();
  for (const mapping of mappings) {
    if (phase === 'update' && mapping.apply === 'create') continue;
    const result = mapping.expression.evaluate(evaluation);
    if (!result.flow) continue;
    let value: unknown = result.value;
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) value = mapping.default;
    if (value === undefined || value === null) continue;
    values.set(mapping.target, targetValue(mapping.target, value));
  }
  return values;
}

/** Deep equality of exported JSON values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
