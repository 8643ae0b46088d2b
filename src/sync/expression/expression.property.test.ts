/**
 * Properties of the expression language, checked on generated inputs (fast-check): the compiler and
 * the evaluator fail only with ExpressionError; printing a parsed expression parses back to the same
 * text; any string survives quoting as a literal; Split undoes Join; ToLower∘ToUpper is idempotent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileExpression, ExpressionError, FUNCTION_NAMES, parseExpression, printExpression, quoteString, type ExpressionValue } from './index.ts';

const valueOf = (expression: string, attributes: Record<string, unknown> = {}): ExpressionValue => {
  const result = compileExpression(expression).evaluate({ attributes, now: () => new Date('2024-05-06T07:08:09Z'), random: () => 0.25 });
  assert.ok(result.flow);
  return result.value;
};

const ATTRIBUTES = ['a', 'b', 'n', 'd', 'list'];
const attributeValues = fc.record({
  a: fc.oneof(fc.string(), fc.constant(null), fc.constantFrom('True', 'False', '')),
  b: fc.oneof(fc.string({ unit: 'grapheme' }), fc.constant(undefined)),
  n: fc.oneof(fc.integer(), fc.double(), fc.constantFrom('12', '&HF', '-3')),
  d: fc.constantFrom('2020-03-16-07:00', '20150123105347.1Z', '7/2/2021 3:33:38 PM', 'not a date', '129699324000000000'),
  list: fc.array(fc.string(), { maxLength: 4 }),
});

/** Expressions from the grammar, mostly well-formed: calls to real (and a few unknown) functions with 0–5 arguments. */
const expressionText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...ATTRIBUTES).map((name) => `[${name}]`),
    fc.string().map(quoteString),
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.constantFrom('&HF7', 'vbTextCompare', 'True', '"d"', '"yyyy-MM-dd"', '"o"', '"[a-z]+"', '"ww"'),
    fc.tuple(fc.constantFrom(...FUNCTION_NAMES, 'Nope'), fc.array(fc.oneof(tie('expr'), fc.constant('')), { maxLength: 5 })).map(
      ([name, args]) => `${name}(${args.join(', ')})`,
    ),
    fc.tuple(tie('expr'), fc.constantFrom('=', '<>', '<', '<=', '>', '>='), tie('expr')).map(([l, op, r]) => `IIF(${l} ${op} ${r}, "y", "n")`),
    fc.tuple(tie('expr'), fc.constantFrom('=', '<>', '>'), tie('expr')).map(([l, op, r]) => `CBool((${l} ${op} ${r}) = (${r}))`),
  ),
})).expr;

/** Text that looks like expressions: grammar tokens glued together at random. */
const tokenSoup = fc
  .array(fc.constantFrom('Join(', 'IIF(', 'Switch(', '[a]', '[', ']', '"x"', '"', '\\', ',', ', ,', ')', '(', '=', '<>', '<', '>=', '&H', '&HZ', '-', '1.5', 'True', 'foo', ' ', '\n'), { maxLength: 30 })
  .map((parts) => parts.join(''));

function onlyExpressionErrors(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    assert.ok(Number.isInteger(error.position) && error.position >= 0, `bad position ${error.position}`);
    assert.ok(error.message.length > 0);
  }
}

describe('expression properties', () => {
  it('the compiler throws nothing but ExpressionError, on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tokenSoup, expressionText), (text) => {
        onlyExpressionErrors(() => compileExpression(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('a parse error points inside the text or just past its end', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup, fc.string()), (text) => {
        try {
          compileExpression(text);
        } catch (error) {
          assert.ok(error instanceof ExpressionError);
          assert.ok(error.position <= text.length, `${error.position} > ${text.length} for ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('evaluation throws nothing but ExpressionError, whatever the attributes hold', () => {
    fc.assert(
      fc.property(expressionText, attributeValues, (text, attributes) => {
        onlyExpressionErrors(() => {
          const result = compileExpression(text).evaluate({ attributes, now: () => new Date('2024-05-06T07:08:09Z'), random: () => 0.5, targetExisting: () => false });
          if (result.flow) JSON.stringify(result.value);
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('printing a parsed expression gives text that parses to the same print', () => {
    fc.assert(
      fc.property(expressionText, (text) => {
        let printed: string;
        try {
          printed = printExpression(parseExpression(text));
        } catch (error) {
          if (error instanceof ExpressionError) return;
          throw error;
        }
        assert.equal(printExpression(parseExpression(printed)), printed);
      }),
      { numRuns: 1000 },
    );
  });

  it('any string round-trips through quoting as a literal', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        assert.equal(valueOf(quoteString(text)), text);
        assert.equal(valueOf(`Append(${quoteString(text)}, "")`), text);
      }),
      { numRuns: 1000 },
    );
  });

  it('Split undoes Join for non-empty values without the separator', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 3 }), fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 8 }), (separator, raw) => {
        const values = raw.map((v) => v.split(separator).join('') || 'x');
        fc.pre(values.every((v) => v !== '' && !v.includes(separator)));
        // A separator that overlaps a value's edge could split there too; keep only clean cases.
        fc.pre(!values.join(separator).split(separator).some((part, i) => part !== values[i]));
        assert.deepEqual(valueOf(`Split(Join(${quoteString(separator)}, [list]), ${quoteString(separator)})`, { list: values }), values);
      }),
      { numRuns: 500 },
    );
  });

  it('Join undoes Split when no segment is empty', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 2 }), fc.string(), (separator, text) => {
        fc.pre(text !== '' && text.split(separator).every((part) => part !== ''));
        assert.equal(valueOf(`Join(${quoteString(separator)}, Split([a], ${quoteString(separator)}))`, { a: text }), text);
      }),
      { numRuns: 500 },
    );
  });

  it('ToLower∘ToUpper is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const once = valueOf('ToLower(ToUpper([a]))', { a: text });
        assert.equal(valueOf('ToLower(ToUpper([a]))', { a: once }), once);
      }),
      { numRuns: 1000 },
    );
  });
});
