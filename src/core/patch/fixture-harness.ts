/**
 * Test support (not part of the engine): loads the PATCH fixture files and runs one case. Kept out
 * of the `*.test.ts` files so the differential test can replay the same corpus.
 */
import { defineAttribute, defineComplex } from '../schema/define.ts';
import { groupSchemas, userSchemas } from '../schema/resource-types.ts';
import type { ResourceSchemas, SchemaDefinition, ScimResource } from '../schema/types.ts';
import { applyPatch } from './apply-patch.ts';
import type { MembershipDelta, PatchOperation, PatchOptions, PatchResult } from './types.ts';

/** A custom extension exercising the types and mutabilities the core schemas do not have. */
export const ACME_EXTENSION: SchemaDefinition = Object.freeze({
  id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
  name: 'AcmeUser',
  attributes: Object.freeze([
    defineAttribute('badgeId', { mutability: 'immutable', caseExact: true }),
    defineAttribute('clearance', { type: 'integer' }),
    defineAttribute('score', { type: 'decimal' }),
    defineAttribute('hiredAt', { type: 'dateTime' }),
    defineAttribute('remote', { type: 'boolean' }),
    defineAttribute('tags', { multiValued: true }),
    defineAttribute('auditNote', { mutability: 'readOnly' }),
    defineComplex('desk', [
      defineAttribute('building'),
      defineAttribute('floor', { type: 'integer' }),
      defineAttribute('assetTag', { mutability: 'immutable' }),
    ]),
    defineComplex(
      'devices',
      [
        defineAttribute('value', { caseExact: true }),
        defineAttribute('type'),
        defineAttribute('primary', { type: 'boolean' }),
        defineAttribute('serial', { mutability: 'immutable' }),
        defineAttribute('enrolledAt', { type: 'dateTime' }),
        defineAttribute('slots', { type: 'integer' }),
      ],
      { multiValued: true },
    ),
  ]),
});

export const SCHEMAS: Readonly<Record<'User' | 'Group', ResourceSchemas>> = {
  User: userSchemas([ACME_EXTENSION]),
  Group: groupSchemas(),
};

export interface PatchCase {
  readonly name: string;
  readonly resourceType: 'User' | 'Group';
  readonly resource: ScimResource | string;
  readonly operations: readonly PatchOperation[];
  readonly options?: PatchOptions;
  readonly expected?: ScimResource;
  readonly deltas?: Record<string, MembershipDelta>;
  readonly changedAttributes?: readonly string[];
  readonly error?: { readonly status: number; readonly scimType?: string; readonly detail: string };
}

export interface PatchFixtures {
  readonly description: string;
  readonly resources: Readonly<Record<string, ScimResource>>;
  readonly cases: readonly PatchCase[];
}

/** The fixture files next to the engine, by name. */
export const FIXTURE_FILES = ['rfc', 'clients', 'semantics', 'strict', 'errors'] as const;

/** A case's starting resource, resolving `"@name"` references into `resources`. */
export function startingResource(fixtures: PatchFixtures, c: PatchCase): ScimResource {
  if (typeof c.resource !== 'string') return c.resource;
  const found = fixtures.resources[c.resource.slice(1)];
  if (found === undefined) throw new Error(`fixture "${c.name}" names an unknown resource ${c.resource}`);
  return found;
}

/** Runs a case through `applyPatch`. */
export function runCase(fixtures: PatchFixtures, c: PatchCase, resource = startingResource(fixtures, c)): PatchResult {
  return applyPatch(resource, c.operations, SCHEMAS[c.resourceType], c.options);
}
