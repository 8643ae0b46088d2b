/**
 * Differential test of scimd's filter parser against an independent one, scim2-parse-filter
 * (RFC 7644 §3.4.2.2). Over the fixture filters, the recorded disagreements and a few hundred
 * generated filters, both must accept and reject the same inputs and, where both accept, build the
 * same tree after a normalising translation. Every exception is in filter-disagreements.json with
 * the RFC's verdict.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseWithOracle } from 'scim2-parse-filter';
import type { Filter as OracleFilter } from 'scim2-parse-filter';
import { printAttributePath } from '../../src/core/filter/attribute-path.ts';
import { and, attributePath, compare, not, or, present, valuePath } from '../../src/core/filter/nodes.ts';
import type { AttributePath, CompareOperator, Filter, FilterValue } from '../../src/core/filter/nodes.ts';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { printFilter } from '../../src/core/filter/printer.ts';

/** Both ASTs translated to one shape: n-ary and/or (nested same-kind lists flattened), path strings. */
type Normal =
  | { readonly k: 'cmp'; readonly path: string; readonly op: string; readonly v: FilterValue }
  | { readonly k: 'pr'; readonly path: string }
  | { readonly k: 'and' | 'or'; readonly items: readonly Normal[] }
  | { readonly k: 'not'; readonly f: Normal }
  | { readonly k: 'vp'; readonly path: string; readonly f: Normal };

const flatten = (k: 'and' | 'or', items: readonly Normal[]): Normal => ({
  k,
  items: items.flatMap((item) => (item.k === k ? item.items : [item])),
});

function normaliseOurs(filter: Filter): Normal {
  switch (filter.kind) {
    case 'compare':
      return { k: 'cmp', path: printAttributePath(filter.path), op: filter.op, v: filter.value };
    case 'present':
      return { k: 'pr', path: printAttributePath(filter.path) };
    case 'and':
    case 'or':
      return flatten(filter.kind, [normaliseOurs(filter.left), normaliseOurs(filter.right)]);
    case 'not':
      return { k: 'not', f: normaliseOurs(filter.filter) };
    case 'valuePath':
      return { k: 'vp', path: printAttributePath(filter.path), f: normaliseOurs(filter.filter) };
  }
}

function normaliseTheirs(filter: OracleFilter): Normal {
  switch (filter.op) {
    case 'pr':
      return { k: 'pr', path: filter.attrPath };
    case 'and':
    case 'or':
      return flatten(filter.op, filter.filters.map(normaliseTheirs));
    case 'not':
      return { k: 'not', f: normaliseTheirs(filter.filter) };
    case '[]':
      return { k: 'vp', path: filter.attrPath, f: normaliseTheirs(filter.valFilter) };
    default:
      return { k: 'cmp', path: filter.attrPath, op: filter.op, v: filter.compValue };
  }
}

type Outcome = { readonly accepted: false } | { readonly accepted: true; readonly tree: Normal };

function attempt<T>(parse: () => T, normalise: (t: T) => Normal): Outcome {
  try {
    return { accepted: true, tree: normalise(parse()) };
  } catch {
    return { accepted: false };
  }
}

/** 'agree', or how the two parsers differ on `text`. */
function compareParsers(text: string): { ours: string; theirs: string; ast?: 'different' } | 'agree' {
  const ours = attempt(() => parseFilter(text), normaliseOurs);
  const theirs = attempt(() => parseWithOracle(text), normaliseTheirs);
  const word = (o: Outcome): string => (o.accepted ? 'accept' : 'reject');
  if (ours.accepted !== theirs.accepted) return { ours: word(ours), theirs: word(theirs) };
  if (!ours.accepted || !theirs.accepted) return 'agree';
  try {
    assert.deepEqual(ours.tree, theirs.tree);
    return 'agree';
  } catch {
    return { ours: 'accept', theirs: 'accept', ast: 'different' };
  }
}

// ---- the corpus -------------------------------------------------------------------------------

const readJson = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;
const parserFixtures = readJson<{ valid: { filter: string }[]; errors: { filter: string }[] }>(
  '../../src/core/filter/parser.fixtures.json',
);
const matchFixtures = readJson<{ cases: { filter: string }[]; errors: { filter: string }[] }>(
  '../../src/core/filter/match.fixtures.json',
);
const disagreements = readJson<{
  cases: { filter: string; ours: string; theirs: string; ast?: string; right: string; note: string }[];
}>('./filter-disagreements.json');

/**
 * Generated filters steer clear of the recorded differences (escapes, `$ref`, negative or exponent
 * numbers, keyword-named attributes, literal case), so any disagreement among them is new.
 */
const KEYWORDS = /^(and|or|not|pr|eq|ne|co|sw|ew|gt|ge|lt|le|true|false|null)$/i;
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,6}$/).filter((n) => !KEYWORDS.test(n));
const uri = fc.constantFrom('urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
const topPath: fc.Arbitrary<AttributePath> = fc
  .tuple(fc.option(uri, { nil: undefined }), name, fc.option(name, { nil: undefined }))
  .map(([u, a, s]) => attributePath(a, s, u));
const literal: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9 @.'_-]{0,10}$/),
  fc.nat(100000),
  fc.constantFrom(1.5, 0.25, 42.125),
  fc.boolean(),
  fc.constant(null),
);
const op = fc.constantFrom<CompareOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
const atom = (path: fc.Arbitrary<AttributePath>): fc.Arbitrary<Filter> =>
  fc.oneof(fc.tuple(path, op, literal).map(([p, o, v]) => compare(p, o, v)), path.map(present));
const inner: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    atom(name.map((n) => attributePath(n))),
    fc.tuple(tie('f'), tie('f')).map(([l, r]) => and(l, r)),
    fc.tuple(tie('f'), tie('f')).map(([l, r]) => or(l, r)),
    tie('f').map(not),
  ),
})).f;
const generated: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    atom(topPath),
    fc.tuple(name, inner).map(([n, f]) => valuePath(attributePath(n), f)),
    fc.tuple(tie('f'), tie('f')).map(([l, r]) => and(l, r)),
    fc.tuple(tie('f'), tie('f')).map(([l, r]) => or(l, r)),
    tie('f').map(not),
  ),
})).f;

/** Invalid variants of a valid filter: cut short, or with its first closing bracket removed. */
const damaged = (text: string): string[] => [text.slice(0, Math.ceil(text.length / 2)), text.replace(/[)\]]/, '')];

const generatedTexts = fc.sample(generated, { seed: 7644, numRuns: 250 }).map(printFilter);
const corpus = [
  ...new Set([
    ...parserFixtures.valid.map((c) => c.filter),
    ...parserFixtures.errors.map((c) => c.filter),
    ...matchFixtures.cases.map((c) => c.filter),
    ...matchFixtures.errors.map((c) => c.filter),
    ...disagreements.cases.map((c) => c.filter),
    ...generatedTexts,
    ...generatedTexts.slice(0, 100).flatMap(damaged),
  ]),
];

describe('filter parser vs scim2-parse-filter', () => {
  it('runs over a corpus of several hundred filters, valid and invalid', () => {
    assert.ok(corpus.length >= 400, `corpus has only ${corpus.length} filters`);
    const accepted = corpus.filter((text) => attempt(() => parseFilter(text), normaliseOurs).accepted).length;
    assert.ok(accepted > 200 && corpus.length - accepted > 80, `${accepted} accepted of ${corpus.length}`);
  });

  it('agrees on every filter except the recorded disagreements', () => {
    const recorded = new Set(disagreements.cases.map((c) => c.filter));
    const unexplained = corpus
      .filter((text) => !recorded.has(text))
      .map((text) => ({ text, result: compareParsers(text) }))
      .filter((entry) => entry.result !== 'agree');
    assert.deepEqual(unexplained, []);
  });

  for (const c of disagreements.cases) {
    it(`still differs as recorded on ${c.filter} (right: ${c.right})`, () => {
      const expected = c.ast === undefined ? { ours: c.ours, theirs: c.theirs } : { ours: c.ours, theirs: c.theirs, ast: c.ast };
      assert.deepEqual(compareParsers(c.filter), expected);
      assert.ok(c.note.length > 20, 'every disagreement explains itself');
    });
  }
});
