import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ScimError } from '../scim-error.ts';
import { createSchemaRegistry, validateSchemaDefinition } from './registry.ts';
import { validateResource } from './validate-resource.ts';
import type { ValidateOptions } from './validate-resource.ts';
import type { ScimResource } from './types.ts';

interface Case {
  readonly name: string;
  readonly resource: 'user' | 'group';
  readonly options?: ValidateOptions;
  readonly existing?: ScimResource;
  readonly input: unknown;
  readonly expected?: ScimResource;
  readonly error?: { readonly status: number; readonly scimType: string; readonly detail: string };
}

const fixtures = JSON.parse(readFileSync(new URL('./validate-resource.fixtures.json', import.meta.url), 'utf8')) as {
  customUserExtension: unknown;
  cases: Case[];
  errors: Case[];
};
const registry = createSchemaRegistry({ userExtensions: [validateSchemaDefinition(fixtures.customUserExtension)] });

function run(c: Case): ScimResource {
  const options = { ...c.options, ...(c.existing ? { existing: c.existing } : {}) };
  return validateResource(c.input, registry[c.resource], options);
}

describe('validateResource', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const before = structuredClone(c.input);
      assert.deepEqual(run(c), c.expected);
      assert.deepEqual(c.input, before, 'the input must not be mutated');
    });
  }

  for (const c of fixtures.errors) {
    it(c.name, () => {
      assert.throws(
        () => run(c),
        (error: unknown) => {
          assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
          assert.deepEqual({ status: error.status, scimType: error.scimType, detail: error.detail }, c.error);
          return true;
        },
      );
    });
  }

  it('returns schemas with the core URN first, a valid first element for the resource type', () => {
    const result = validateResource({ displayName: 'G' }, registry.group);
    assert.deepEqual(result['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:Group']);
  });

  it('rejects a resource that omits a required extension', () => {
    const schemas = {
      ...registry.user,
      resourceType: {
        ...registry.user.resourceType,
        schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: true }],
      },
    };
    assert.throws(() => validateResource({ userName: 'u' }, schemas), {
      status: 400,
      scimType: 'invalidValue',
      detail: 'Extension "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" is required',
    });
  });
});
