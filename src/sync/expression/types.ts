/** The public value and context types of the attribute-mapping expression language (Entra's dialect). */

/** What an expression yields: a string, number, boolean, null (no value) or a multi-valued list. */
export type ExpressionValue = string | number | boolean | null | readonly ExpressionValue[];

/** What one evaluation sees: the source object and the few outside facts some functions need. */
export interface ExpressionContext {
  /** The source object; names are matched case-insensitively, as Entra does. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** A pinned clock for Now(); the real time when absent. */
  readonly now?: () => Date;
  /** For SelectUniqueValue: whether `value` is already taken in the target. */
  readonly targetExisting?: (value: string) => boolean;
  /** A source of numbers in [0, 1) for Guid and RandomString (tests pin it); crypto-strong when absent. */
  readonly random?: () => number;
}

/**
 * The outcome of one evaluation: a value to write, or `flow: false` when IgnoreFlowIfNullOrEmpty
 * decided the target attribute is to be left out of the request altogether.
 */
export type ExpressionResult = { readonly flow: true; readonly value: ExpressionValue } | { readonly flow: false };

/** A parsed and checked expression, ready to be evaluated any number of times. */
export interface CompiledExpression {
  /** The text it was compiled from. */
  readonly source: string;
  /** The source attribute names it reads, in order of first use, as written. */
  readonly attributes: readonly string[];
  /** True when Redact() appears: logs must show `[Redact]` instead of the value. */
  readonly redacted: boolean;
  /** True when the top level is SelectUniqueValue (a create-only mapping that consults the target). */
  readonly selectsUniqueValue: boolean;
  /** Evaluates against one source object; throws ExpressionError on a runtime type error. */
  evaluate(context: ExpressionContext): ExpressionResult;
}
