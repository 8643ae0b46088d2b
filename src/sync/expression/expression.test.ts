/**
 * The expression language against its fixture table (expression.fixtures.json): every example of
 * Entra's function reference with its documented input and output, scimd's own edge cases, and
 * every error with its code, position and message.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileExpression, ExpressionError, type ExpressionContext } from './index.ts';

interface Example {
  readonly name: string;
  readonly expression: string;
  readonly input: Record<string, unknown>;
  readonly expected?: unknown;
  readonly flow?: false;
  readonly now?: string;
  readonly random?: number;
  readonly targetExisting?: readonly string[];
}

interface ErrorCase {
  readonly name: string;
  readonly expression: string;
  readonly input?: Record<string, unknown>;
  readonly targetExisting?: readonly string[];
  readonly code: string;
  readonly position: number;
  readonly message: string;
}

const fixtures = JSON.parse(readFileSync(new URL('./expression.fixtures.json', import.meta.url), 'utf8')) as {
  examples: Example[];
  errors: ErrorCase[];
  runtimeErrors: ErrorCase[];
  diacritics: { rows: [letters: string, plain: string][] };
};

function contextOf(example: { input?: Record<string, unknown>; now?: string; random?: number; targetExisting?: readonly string[] }): ExpressionContext {
  const taken = example.targetExisting === undefined ? undefined : new Set(example.targetExisting);
  return {
    attributes: example.input ?? {},
    ...(example.now === undefined ? {} : { now: () => new Date(example.now!) }),
    ...(example.random === undefined ? {} : { random: () => example.random! }),
    ...(taken === undefined ? {} : { targetExisting: (value: string) => taken.has(value) }),
  };
}

const expand = (expression: string): string => (expression === 'DEEP' ? `${'ToLower('.repeat(101)}[a]${')'.repeat(101)}` : expression);

function assertExpressionError(error: unknown, expected: ErrorCase): true {
  assert.ok(error instanceof ExpressionError, `expected an ExpressionError, got ${String(error)}`);
  assert.equal(error.code, expected.code, error.message);
  assert.equal(error.position, expected.position, error.message);
  assert.ok(error.message.includes(expected.message), `"${error.message}" should contain "${expected.message}"`);
  return true;
}

describe('Entra expression reference examples', () => {
  for (const example of fixtures.examples) {
    it(example.name, () => {
      const result = compileExpression(example.expression).evaluate(contextOf(example));
      if (example.flow === false) assert.deepEqual(result, { flow: false });
      else assert.deepEqual(result, { flow: true, value: example.expected });
    });
  }
});

describe('NormalizeDiacritics follows Entra\'s table', () => {
  for (const [letters, plain] of fixtures.diacritics.rows) {
    it(`${letters} → ${plain}`, () => {
      for (const letter of letters.split(' ')) {
        assert.deepEqual(compileExpression('NormalizeDiacritics([a])').evaluate({ attributes: { a: letter } }), { flow: true, value: plain }, letter);
      }
    });
  }
});

describe('expression compile errors carry a code, the position and what was expected', () => {
  for (const error of fixtures.errors) {
    it(error.name, () => {
      assert.throws(() => compileExpression(expand(error.expression)), (e) => assertExpressionError(e, error));
    });
  }
});

describe('expression run-time errors name the function and the problem', () => {
  for (const error of fixtures.runtimeErrors) {
    it(error.name, () => {
      const compiled = compileExpression(error.expression);
      assert.throws(() => compiled.evaluate(contextOf(error)), (e) => assertExpressionError(e, error));
    });
  }
});

describe('compiled expressions', () => {
  it('list the attributes they read once each, as first written', () => {
    const compiled = compileExpression('Join(" ", [givenName], [sn], [GIVENNAME], IIF([dept]="x", [sn], [title]))');
    assert.deepEqual(compiled.attributes, ['givenName', 'sn', 'dept', 'title']);
  });

  it('flag Redact and a top-level SelectUniqueValue for the engine', () => {
    assert.equal(compileExpression('Redact([a])').redacted, true);
    assert.equal(compileExpression('[a]').redacted, false);
    assert.equal(compileExpression('SelectUniqueValue([a], [b])').selectsUniqueValue, true);
    assert.equal(compileExpression('[a]').selectsUniqueValue, false);
  });

  it('read the clock through the context and the real time without one', () => {
    const compiled = compileExpression('FormatDateTime(Now(), , "o", "yyyy")');
    assert.deepEqual(compiled.evaluate({ attributes: {}, now: () => new Date('1999-05-05T00:00:00Z') }), { flow: true, value: '1999' });
    assert.equal((compiled.evaluate({ attributes: {} }) as { value: string }).value, String(new Date().getUTCFullYear()));
  });

  it('make GUIDs and random strings of the asked shape without a pinned random source', () => {
    const guid = compileExpression('Guid()').evaluate({ attributes: {} }) as { value: string };
    assert.match(guid.value, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const random = compileExpression('RandomString(40,5,6,7,8,"?,")').evaluate({ attributes: {} }) as { value: string };
    assert.equal(random.value.length, 40);
    assert.ok((random.value.match(/[0-9]/g) ?? []).length >= 5);
    assert.ok((random.value.match(/[A-Z]/g) ?? []).length >= 7);
    assert.ok((random.value.match(/[a-z]/g) ?? []).length >= 8);
    assert.ok((random.value.match(/[^0-9A-Za-z]/g) ?? []).length >= 6);
    assert.doesNotMatch(random.value, /[?,]/);
  });

  it('read JavaScript Dates, bigints, bytes, objects and undefined in the source object', () => {
    const compiled = compileExpression('Join("|", [when], [big], [none])');
    const result = compiled.evaluate({ attributes: { when: new Date('2020-01-02T13:00:00Z'), big: 12n, none: undefined } });
    assert.deepEqual(result, { flow: true, value: '1/2/2020 1:00:00 PM|12' });
    const bytes = compileExpression('[objectGUID]').evaluate({ attributes: { objectGUID: new Uint8Array([72, 105, 33]) } });
    assert.deepEqual(bytes, { flow: true, value: 'SGkh' });
    const complex = compileExpression('[manager]').evaluate({ attributes: { manager: { value: 'm1' } } });
    assert.deepEqual(complex, { flow: true, value: '{"value":"m1"}' });
  });
});
