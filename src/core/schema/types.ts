/**
 * Schema definitions as data (RFC 7643 §7). A schema is plain JSON-compatible data, so an
 * organization can register its own extension schemas without code.
 */

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/** One attribute's characteristics (RFC 7643 §2.2, §7). */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description?: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

/** A schema resource (RFC 7643 §7): the core User/Group schemas, Enterprise User, or a custom one. */
export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly attributes: readonly AttributeDefinition[];
}

/** A resource type (RFC 7643 §6): its core schema plus the extensions it carries. */
export interface ResourceTypeDefinition {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly description?: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { readonly schema: string; readonly required: boolean }[];
}

/** A SCIM resource as JSON: core attributes at the top, extension attributes under their URN. */
export type ScimResource = Record<string, unknown>;

/** The schemas one resource type is validated, patched, filtered and projected against. */
export interface ResourceSchemas {
  readonly resourceType: ResourceTypeDefinition;
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
}

/** Where a path resolved to (see `resolveAttribute` in resolve.ts). */
export interface ResolvedAttribute {
  /** The id (URN) of the schema that defines the attribute; core for common attributes (`id`, `meta`). */
  readonly schemaId: string;
  /** True when the attribute lives under an extension URN key in the resource JSON. */
  readonly extension: boolean;
  /** The top-level attribute. */
  readonly attribute: AttributeDefinition;
  /** The sub-attribute, when the path named one. */
  readonly subAttribute?: AttributeDefinition;
}
