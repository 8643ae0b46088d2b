/** The User and Group resource types (RFC 7643 §6) and the schema sets they are checked against. */
import { URN } from '../urns.ts';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.ts';
import { GROUP_SCHEMA } from './group.ts';
import { USER_SCHEMA } from './user.ts';
import type { ResourceSchemas, ResourceTypeDefinition, SchemaDefinition } from './types.ts';

export const USER_RESOURCE_TYPE: ResourceTypeDefinition = Object.freeze({
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: URN.user,
  schemaExtensions: Object.freeze([Object.freeze({ schema: URN.enterpriseUser, required: false })]),
});

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = Object.freeze({
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: URN.group,
  schemaExtensions: Object.freeze([]),
});

function withExtensions(
  resourceType: ResourceTypeDefinition,
  core: SchemaDefinition,
  builtIn: readonly SchemaDefinition[],
  custom: readonly SchemaDefinition[],
  required: ReadonlySet<string>,
): ResourceSchemas {
  const extensions = [...builtIn, ...custom];
  const known = new Set(resourceType.schemaExtensions.map((e) => e.schema.toLowerCase()));
  const added = custom
    .filter((schema) => !known.has(schema.id.toLowerCase()))
    .map((schema) => Object.freeze({ schema: schema.id, required: required.has(schema.id.toLowerCase()) }));
  return Object.freeze({
    resourceType: Object.freeze({
      ...resourceType,
      schemaExtensions: Object.freeze([...resourceType.schemaExtensions, ...added]),
    }),
    core,
    extensions: Object.freeze(extensions),
  });
}

const lowered = (ids: readonly string[]): ReadonlySet<string> => new Set(ids.map((id) => id.toLowerCase()));

/**
 * The User resource type's schemas: core User, Enterprise User, and any custom extensions; those
 * whose id is in `required` are listed with `required: true` (RFC 7643 §6 `schemaExtensions`).
 */
export function userSchemas(extensions: readonly SchemaDefinition[] = [], required: readonly string[] = []): ResourceSchemas {
  return withExtensions(USER_RESOURCE_TYPE, USER_SCHEMA, [ENTERPRISE_USER_SCHEMA], extensions, lowered(required));
}

/** The Group resource type's schemas: core Group and any custom extensions (`required` as for users). */
export function groupSchemas(extensions: readonly SchemaDefinition[] = [], required: readonly string[] = []): ResourceSchemas {
  return withExtensions(GROUP_RESOURCE_TYPE, GROUP_SCHEMA, [], extensions, lowered(required));
}
