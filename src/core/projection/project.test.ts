import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSchemaRegistry, validateSchemaDefinition } from '../schema/registry.ts';
import type { ScimResource } from '../schema/types.ts';
import { needsAttribute, project } from './project.ts';
import type { ProjectionRequest } from './project.ts';
import { parseAttributeList } from './parse-attribute-list.ts';

interface Case {
  readonly name: string;
  readonly resource: 'user' | 'group';
  readonly request: ProjectionRequest;
  readonly expected: ScimResource;
}

const fixtures = JSON.parse(readFileSync(new URL('./project.fixtures.json', import.meta.url), 'utf8')) as {
  customUserExtension: unknown;
  user: ScimResource;
  group: ScimResource;
  cases: Case[];
};
const registry = createSchemaRegistry({ userExtensions: [validateSchemaDefinition(fixtures.customUserExtension)] });

describe('project', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const resource = fixtures[c.resource];
      const before = structuredClone(resource);
      assert.deepEqual(project(resource, registry[c.resource], c.request), c.expected);
      assert.deepEqual(resource, before, 'the resource must not be mutated');
    });
  }

  it('keeps stored keys the schemas do not know unless specific attributes are asked for', () => {
    const resource = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g', legacy: 1, displayName: 'G',
      members: [{ value: 'u', note: 'x' }] };
    assert.deepEqual(project(resource, registry.group), resource);
    assert.deepEqual(project(resource, registry.group, { excludedAttributes: ['members.display'] }), resource);
    assert.deepEqual(project(resource, registry.group, { attributes: ['members.value'] }), {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g', members: [{ value: 'u' }],
    });
  });

  it('drops an extension block that holds only never-returned attributes', () => {
    const resource = { ...fixtures.user, 'urn:example:params:scim:schemas:extension:acme:2.0:User': { pin: '1' } };
    const result = project(resource, registry.user, { attributes: ['userName', 'urn:example:params:scim:schemas:extension:acme:2.0:User'] });
    assert.deepEqual(result, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: '2819c223', userName: 'bjensen' });
  });
});

describe('needsAttribute', () => {
  const cases: [string, ProjectionRequest, string, boolean][] = [
    ['members are needed when nothing is excluded', {}, 'members', true],
    ['members are not needed for excludedAttributes=members', { excludedAttributes: ['Members'] }, 'members', false],
    ['members are not needed when attributes names only displayName', { attributes: ['displayName'] }, 'members', false],
    ['members are needed when a member sub-attribute is named', { attributes: ['members.value'] }, 'members', true],
    ['members are still needed when only a member sub-attribute is excluded', { excludedAttributes: ['members.display'] }, 'members', true],
    ['unknown attribute names are assumed to be needed', { excludedAttributes: ['members'] }, 'noSuchThing', true],
    ['id is always needed', { attributes: ['displayName'] }, 'id', true],
  ];
  for (const [name, request, attribute, expected] of cases) {
    it(name, () => assert.equal(needsAttribute(registry.group, request, attribute), expected));
  }

  it('knows the password is never needed for a response', () => {
    assert.equal(needsAttribute(registry.user, { attributes: ['password'] }, 'password'), false);
  });
});

describe('parseAttributeList', () => {
  it('splits on commas, trims and drops empty names', () => {
    assert.deepEqual(parseAttributeList(' userName, name.givenName ,,emails '), ['userName', 'name.givenName', 'emails']);
  });
  it('gives an empty list for a missing or empty parameter', () => {
    assert.deepEqual(parseAttributeList(undefined), []);
    assert.deepEqual(parseAttributeList(''), []);
  });
});
