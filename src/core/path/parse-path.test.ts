import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { isScimError } from '../scim-error.ts';
import { parsePath, printPath } from './parse-path.ts';
import type { PatchPath } from './types.ts';

const fixtures = JSON.parse(readFileSync(new URL('./parse-path.fixtures.json', import.meta.url), 'utf8')) as {
  valid: { note: string; path: string; expected: PatchPath }[];
  errors: { note: string; path: string; status: number; scimType: string; detail: string }[];
};

describe('parsePath', () => {
  for (const c of fixtures.valid) {
    it(`parses ${JSON.stringify(c.path)} (${c.note})`, () => {
      const parsed = parsePath(c.path);
      assert.deepEqual(parsed, c.expected);
      assert.ok(Object.isFrozen(parsed));
    });
  }

  for (const c of fixtures.errors) {
    it(`rejects ${JSON.stringify(c.path)} with invalidPath and a position (${c.note})`, () => {
      assert.throws(
        () => parsePath(c.path),
        (error: unknown) => {
          assert.ok(isScimError(error));
          assert.equal(error.status, c.status);
          assert.equal(error.scimType, c.scimType);
          assert.ok(error.detail.includes(c.detail), error.detail);
          assert.match(error.detail, /^Invalid path at position \d+: /);
          return true;
        },
      );
    });
  }

  it('rejects a path longer than the filter length limit', () => {
    assert.throws(() => parsePath('a'.repeat(5000)), (e: unknown) => isScimError(e) && e.detail.includes('over the limit of 4096'));
  });

  it('never throws anything but an invalidPath ScimError on arbitrary text', () => {
    const fragment = fc.constantFrom('emails', '[', ']', '.value', 'type eq "work"', ' ', 'urn:a:b', ':', '.', '"', 'and', '$ref');
    const soup = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), soup), (text) => {
        try {
          parsePath(text);
        } catch (error) {
          assert.ok(isScimError(error), String(error));
          assert.equal(error.scimType, 'invalidPath');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('printPath', () => {
  it('prints every fixture path in a form that parses back to the same path', () => {
    for (const c of fixtures.valid) assert.deepEqual(parsePath(printPath(c.expected)), c.expected, c.path);
  });

  it('prints value filters canonically and keeps the sub-attribute spelling', () => {
    assert.equal(printPath(parsePath('emails[TYPE EQ "work"].Value')), 'emails[TYPE eq "work"].Value');
    assert.equal(
      printPath(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User')),
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    );
  });
});
