import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ScimError } from '../scim-error.ts';
import { FIXTURE_FILES, runCase, startingResource, type PatchCase, type PatchFixtures } from './fixture-harness.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function load(name: string): PatchFixtures {
  return JSON.parse(readFileSync(new URL(`./${name}.fixtures.json`, import.meta.url), 'utf8')) as PatchFixtures;
}

function assertError(fixtures: PatchFixtures, c: PatchCase): void {
  const expected = c.error!;
  assert.throws(
    () => runCase(fixtures, c, deepFreeze(structuredClone(startingResource(fixtures, c)))),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
      assert.equal(error.status, expected.status);
      assert.equal(error.scimType, expected.scimType);
      assert.ok(error.detail.includes(expected.detail), `detail "${error.detail}" should mention "${expected.detail}"`);
      return true;
    },
  );
}

function assertResult(fixtures: PatchFixtures, c: PatchCase): void {
  const input = deepFreeze(structuredClone(startingResource(fixtures, c)));
  const result = runCase(fixtures, c, input);
  assert.deepEqual(result.resource, c.expected);
  assert.deepEqual(result.deltas, c.deltas ?? {});
  if (c.changedAttributes !== undefined) {
    assert.deepEqual([...result.changedAttributes].sort(), [...c.changedAttributes].sort());
  }
  assert.equal(result.changed, result.changedAttributes.length > 0);
}

for (const file of FIXTURE_FILES) {
  const fixtures = load(file);
  describe(`applyPatch: ${file}.fixtures.json`, () => {
    for (const c of fixtures.cases) {
      it(c.name, () => (c.error ? assertError(fixtures, c) : assertResult(fixtures, c)));
    }
  });
}
