/**
 * One organization's schema registry (RFC 7643 §6, §7): the built-in User, Group and Enterprise User
 * schemas plus the custom extensions the organization registered. Plain immutable data built by a
 * factory — never a global — so each tenant gets its own.
 */
import { badRequest } from '../scim-error.ts';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.ts';
import { GROUP_SCHEMA } from './group.ts';
import { groupSchemas, userSchemas } from './resource-types.ts';
import type { ResourceSchemas, ResourceTypeDefinition, SchemaDefinition } from './types.ts';
import { USER_SCHEMA } from './user.ts';

export { validateSchemaDefinition } from './validate-schema-definition.ts';

/** The schemas and resource types one organization serves (RFC 7643 §6–§7). */
export interface SchemaRegistry {
  /** What User resources are validated, patched, filtered and projected against. */
  readonly user: ResourceSchemas;
  /** What Group resources are validated, patched, filtered and projected against. */
  readonly group: ResourceSchemas;
  /** Every schema, built-in first, for `/Schemas` (RFC 7644 §4). */
  schemas(): readonly SchemaDefinition[];
  /** The User and Group resource types with their extensions, for `/ResourceTypes` (RFC 7644 §4). */
  resourceTypes(): readonly ResourceTypeDefinition[];
}

/** Custom extensions to register, already checked with `validateSchemaDefinition`. */
export interface SchemaRegistryInput {
  readonly userExtensions?: readonly SchemaDefinition[];
  readonly groupExtensions?: readonly SchemaDefinition[];
  /** Ids of the custom extensions every resource of their type must carry (RFC 7643 §6, `required`). */
  readonly requiredExtensions?: readonly string[];
}

function checkDistinct(all: readonly SchemaDefinition[]): void {
  const seen = new Set<string>();
  for (const schema of all) {
    const key = schema.id.toLowerCase();
    if (seen.has(key)) throw badRequest('invalidValue', `Schema "${schema.id}" is registered more than once`);
    seen.add(key);
  }
}

/**
 * Builds an organization's registry. Throws 400 invalidValue when two schemas share an id (case-
 * insensitively), including a custom one reusing a built-in id.
 */
export function createSchemaRegistry(input: SchemaRegistryInput = {}): SchemaRegistry {
  const userExtensions = input.userExtensions ?? [];
  const groupExtensions = input.groupExtensions ?? [];
  const all = Object.freeze([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, ...userExtensions, ...groupExtensions]);
  checkDistinct(all);
  const required = input.requiredExtensions ?? [];
  const user = userSchemas(userExtensions, required);
  const group = groupSchemas(groupExtensions, required);
  const types = Object.freeze([user.resourceType, group.resourceType]);
  return Object.freeze({
    user,
    group,
    schemas: () => all,
    resourceTypes: () => types,
  });
}
