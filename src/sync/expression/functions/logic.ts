/** Conditions, choices and flow control: IIF, Switch, Coalesce, the Is… tests, Not, CBool, IgnoreFlowIfNullOrEmpty, SelectUniqueValue, Redact. */
import { ExpressionError } from '../expression-error.ts';
import { IGNORE_FLOW, argument, strict, type FunctionSpec } from '../evaluation.ts';
import { DateTimeValue, isNull, isNullOrEmpty, toBoolean, toText } from '../values.ts';

const IIF: FunctionSpec = {
  name: 'IIF',
  params: ['condition', 'valueIfTrue', 'valueIfFalse'],
  implementation: (call) => {
    const [condition, ifTrue, ifFalse] = call.args;
    const what = argument(call, 'condition');
    // Only the chosen branch is evaluated.
    return (state) => (toBoolean(condition!(state), what, call.position) ? ifTrue!(state) : ifFalse!(state));
  },
};

/** Switch compares strings case-sensitively; a missing source matches the key "". */
const SWITCH: FunctionSpec = {
  name: 'Switch',
  params: ['source', 'defaultValue', 'key', 'value'],
  min: 4,
  variadic: true,
  optional: [1],
  implementation: (call) => {
    if ((call.args.length - 2) % 2 !== 0) {
      throw new ExpressionError(
        'arity',
        `Switch expects (source, defaultValue, key1, value1, key2, value2, …): keys and values come in pairs, got ${call.args.length} arguments`,
        call.position,
      );
    }
    const [source, fallback, ...pairs] = call.args;
    const what = argument(call, 'source');
    return (state) => {
      const text = toText(source!(state), what, call.position) ?? '';
      for (let i = 0; i < pairs.length; i += 2) {
        const key = toText(pairs[i]!(state), argument(call, 'key'), call.position) ?? '';
        if (key === text) return pairs[i + 1]!(state);
      }
      return fallback === undefined ? null : fallback(state);
    };
  },
};

const COALESCE: FunctionSpec = {
  name: 'Coalesce',
  params: ['source'],
  min: 1,
  variadic: true,
  implementation: (call) => (state) => {
    for (const arg of call.args) {
      const value = arg!(state);
      if (!isNull(value)) return value;
    }
    return null;
  },
};

const IS_NULL: FunctionSpec = { name: 'IsNull', params: ['expression'], implementation: strict(([v]) => isNull(v!)) };
const IS_NULL_OR_EMPTY: FunctionSpec = { name: 'IsNullOrEmpty', params: ['expression'], implementation: strict(([v]) => isNullOrEmpty(v!)) };
const IS_PRESENT: FunctionSpec = { name: 'IsPresent', params: ['expression'], implementation: strict(([v]) => !isNullOrEmpty(v!)) };
const IS_STRING: FunctionSpec = {
  name: 'IsString',
  params: ['expression'],
  implementation: strict(([v]) => typeof v === 'string' || v instanceof DateTimeValue),
};

const NOT: FunctionSpec = {
  name: 'Not',
  params: ['source'],
  implementation: strict(([v], call) => !toBoolean(v!, argument(call, 'source'), call.position)),
};

const CBOOL: FunctionSpec = {
  name: 'CBool',
  params: ['expression'],
  implementation: strict(([v], call) => toBoolean(v!, argument(call, 'expression'), call.position)),
};

const IGNORE_FLOW_IF_NULL_OR_EMPTY: FunctionSpec = {
  name: 'IgnoreFlowIfNullOrEmpty',
  params: ['expression'],
  implementation: (call) => {
    const inner = call.args[0]!;
    return (state) => {
      const value = inner(state);
      if (isNullOrEmpty(value)) throw IGNORE_FLOW;
      return value;
    };
  },
};

/**
 * The first rule whose value is not taken in the target (asked through the context's
 * `targetExisting`; without it the first non-empty value wins). Rules giving null or "" are skipped.
 * All taken: ExpressionError `noUniqueValue` (Entra escrows the object).
 */
const SELECT_UNIQUE_VALUE: FunctionSpec = {
  name: 'SelectUniqueValue',
  params: ['uniqueValueRule'],
  min: 2,
  variadic: true,
  implementation: (call) => (state) => {
    const taken = state.context.targetExisting;
    const tried: string[] = [];
    for (const rule of call.args) {
      const value = rule!(state);
      const text = toText(value, argument(call, 'rule'), call.position);
      if (text === null || text === '') continue;
      if (taken === undefined || !taken(text)) return text;
      tried.push(text);
    }
    throw new ExpressionError(
      'noUniqueValue',
      `SelectUniqueValue: every generated value is already taken in the target (${tried.map((t) => JSON.stringify(t)).join(', ') || 'all rules were empty'})`,
      call.position,
    );
  },
};

/** The value flows unchanged; the compiled expression's `redacted` flag tells logs to hide it. */
const REDACT: FunctionSpec = { name: 'Redact', params: ['value'], implementation: (call) => call.args[0]! };

export const LOGIC_FUNCTIONS: readonly FunctionSpec[] = [
  IIF,
  SWITCH,
  COALESCE,
  IS_NULL,
  IS_NULL_OR_EMPTY,
  IS_PRESENT,
  IS_STRING,
  NOT,
  CBOOL,
  IGNORE_FLOW_IF_NULL_OR_EMPTY,
  SELECT_UNIQUE_VALUE,
  REDACT,
];
