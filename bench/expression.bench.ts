/**
 * Expression evaluations per second for a typical user mapping set (direct, Join, Switch,
 * FormatDateTime, SelectUniqueValue), compiled once and evaluated over 1,000 varied source users,
 * plus the cost of compiling. Run on one core: `taskset -c 1 node --import tsx bench/expression.bench.ts`
 * (BENCH_SECONDS=2 per row).
 */
import { compileExpression, type CompiledExpression, type ExpressionContext } from '../src/sync/expression/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const MAPPINGS: Readonly<Record<string, string>> = {
  direct: '[mail]',
  join: 'Join(" ", [givenName], [surname])',
  switch: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
  formatDateTime: 'FormatDateTime([hireDate], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")',
  selectUniqueValue:
    'SelectUniqueValue(Join("@", NormalizeDiacritics(StripSpaces(Join(".", [givenName], [surname]))), "contoso.com"), Join("@", NormalizeDiacritics(StripSpaces(Join(".", Mid([givenName], 1, 1), [surname]))), "contoso.com"))',
};

const GIVEN = ['Zoë', 'José', 'Anna', 'Łukasz', 'Mary Ann', 'Søren', 'Chloé', 'Ahmed'];
const SURNAMES = ['Müller', 'García', 'Smith', 'Nowak', 'Van der Berg', 'Ødegaard', 'Dubois', 'Khan'];
const USERS: readonly Record<string, unknown>[] = Array.from({ length: 1000 }, (_, i) => ({
  id: String(i),
  mail: `user${i}@contoso.com`,
  givenName: GIVEN[i % GIVEN.length],
  surname: SURNAMES[(i >> 3) % SURNAMES.length],
  IsSoftDeleted: i % 10 === 0 ? 'True' : 'False',
  hireDate: `20${String(10 + (i % 14)).padStart(2, '0')}0${1 + (i % 9)}1${i % 10}105347.1Z`,
}));

// A third of the first candidates are taken, so SelectUniqueValue often tries its second rule.
const TAKEN = new Set(USERS.filter((_, i) => i % 3 === 0).map((u) => `${String(u['givenName']).replaceAll(' ', '')}.${String(u['surname']).replaceAll(' ', '')}@contoso.com`));
const CONTEXTS: readonly ExpressionContext[] = USERS.map((attributes) => ({ attributes, targetExisting: (value: string) => TAKEN.has(value) }));

function measure(step: (i: number) => void): number {
  for (let i = 0; i < 20_000; i += 1) step(i);
  let count = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 1000; i += 1) step(count + i);
    count += 1000;
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const compiled: Record<string, CompiledExpression> = Object.fromEntries(Object.entries(MAPPINGS).map(([name, text]) => [name, compileExpression(text)]));

let sink = 0;
const record = (value: unknown): void => {
  sink += typeof value === 'string' ? value.length : 1;
};

console.log('| mapping | evaluations/s |');
console.log('|---|---|');
for (const [name, expression] of Object.entries(compiled)) {
  const rate = measure((i) => record(expression.evaluate(CONTEXTS[i % CONTEXTS.length]!)));
  console.log(`| ${name} \`${MAPPINGS[name]!.length > 60 ? `${MAPPINGS[name]!.slice(0, 57)}…` : MAPPINGS[name]}\` | ${fmt(rate)} |`);
}
const all = Object.values(compiled);
const perUser = measure((i) => {
  const context = CONTEXTS[i % CONTEXTS.length]!;
  for (const expression of all) record(expression.evaluate(context));
});
console.log(`| the five together, per source user | ${fmt(perUser)} users/s (${fmt(perUser * all.length)} evaluations/s) |`);
const texts = Object.values(MAPPINGS);
const compileRate = measure((i) => record(compileExpression(texts[i % texts.length]!)));
console.log(`| compileExpression, the five in turn | ${fmt(compileRate)} compilations/s |`);
if (sink === 0) console.log('(nothing evaluated)');
