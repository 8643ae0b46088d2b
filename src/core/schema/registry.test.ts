import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ScimError } from '../scim-error.ts';
import { createSchemaRegistry, validateSchemaDefinition } from './registry.ts';

interface Case {
  readonly name: string;
  readonly input: unknown;
  readonly expected?: unknown;
  readonly error?: { readonly status: number; readonly scimType: string; readonly detail: string };
}

const fixtures = JSON.parse(readFileSync(new URL('./registry.fixtures.json', import.meta.url), 'utf8')) as {
  valid: Case[];
  invalid: Case[];
};

describe('validateSchemaDefinition', () => {
  for (const c of fixtures.valid) {
    it(c.name, () => {
      const schema = validateSchemaDefinition(c.input);
      assert.deepEqual(schema, c.expected);
      assert.ok(Object.isFrozen(schema) && Object.isFrozen(schema.attributes[0]));
    });
  }
  for (const c of fixtures.invalid) {
    it(c.name, () => {
      assert.throws(
        () => validateSchemaDefinition(c.input),
        (error: unknown) => {
          assert.ok(error instanceof ScimError);
          assert.deepEqual({ status: error.status, scimType: error.scimType, detail: error.detail }, c.error);
          return true;
        },
      );
    });
  }
});

describe('createSchemaRegistry', () => {
  const badge = validateSchemaDefinition({ id: 'urn:example:acme:2.0:User', attributes: [{ name: 'badge' }] });
  const room = validateSchemaDefinition({ id: 'urn:example:acme:2.0:Group', attributes: [{ name: 'room' }] });

  it('serves only the built-in schemas when nothing is registered', () => {
    const registry = createSchemaRegistry();
    assert.deepEqual(
      registry.schemas().map((s) => s.name),
      ['User', 'Group', 'EnterpriseUser'],
    );
    assert.deepEqual(registry.user.extensions.map((s) => s.id), ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']);
    assert.deepEqual(registry.group.extensions, []);
    assert.deepEqual(registry.resourceTypes().map((t) => t.id), ['User', 'Group']);
  });

  it('adds custom user and group extensions to their resource types', () => {
    const registry = createSchemaRegistry({ userExtensions: [badge], groupExtensions: [room] });
    assert.equal(registry.schemas().length, 5);
    assert.deepEqual(registry.user.extensions.map((s) => s.id).slice(1), ['urn:example:acme:2.0:User']);
    assert.deepEqual(registry.group.resourceType.schemaExtensions, [{ schema: 'urn:example:acme:2.0:Group', required: false }]);
  });

  it('marks the extensions listed as required in their resource type, whatever their letter case', () => {
    const registry = createSchemaRegistry({ userExtensions: [badge], groupExtensions: [room], requiredExtensions: ['URN:example:acme:2.0:user'] });
    assert.deepEqual(registry.user.resourceType.schemaExtensions.at(-1), { schema: 'urn:example:acme:2.0:User', required: true });
    assert.deepEqual(registry.group.resourceType.schemaExtensions, [{ schema: 'urn:example:acme:2.0:Group', required: false }]);
  });

  it('gives each organization its own registry', () => {
    const a = createSchemaRegistry({ userExtensions: [badge] });
    const b = createSchemaRegistry();
    assert.equal(a.user.extensions.length, 2);
    assert.equal(b.user.extensions.length, 1);
    assert.ok(Object.isFrozen(a));
  });

  it('rejects two extensions with the same id', () => {
    assert.throws(() => createSchemaRegistry({ userExtensions: [badge], groupExtensions: [{ ...room, id: 'URN:example:acme:2.0:user' }] }), {
      status: 400,
      scimType: 'invalidValue',
      detail: 'Schema "URN:example:acme:2.0:user" is registered more than once',
    });
  });
});
