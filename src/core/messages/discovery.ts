/**
 * The `/Schemas` and `/ResourceTypes` discovery endpoints (RFC 7644 §4) generated from an
 * organization's registry, as ListResponses and as single resources looked up by id. Absent
 * characteristics are left out rather than sent as null (Entra rejects nulls, docs/clients.md §2.4).
 */
import { URN } from '../urns.ts';
import type { SchemaRegistry } from '../schema/registry.ts';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition, ScimResource } from '../schema/types.ts';
import { listResponse } from './list-response.ts';
import type { ListResponse } from './list-response.ts';
import { trimBaseUrl } from './service-provider-config.ts';

function attributeDocument(attribute: AttributeDefinition): Record<string, unknown> {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    ...(attribute.description === undefined ? {} : { description: attribute.description }),
    required: attribute.required,
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.canonicalValues ? { canonicalValues: [...attribute.canonicalValues] } : {}),
    ...(attribute.referenceTypes ? { referenceTypes: [...attribute.referenceTypes] } : {}),
    ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map(attributeDocument) } : {}),
  };
}

/** One schema as a SCIM resource (RFC 7643 §7) with `meta.location` under `baseUrl`. */
export function schemaDocument(schema: SchemaDefinition, baseUrl: string): ScimResource {
  return {
    schemas: [URN.schema],
    id: schema.id,
    name: schema.name,
    ...(schema.description === undefined ? {} : { description: schema.description }),
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${trimBaseUrl(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** One resource type as a SCIM resource (RFC 7643 §6). */
export function resourceTypeDocument(type: ResourceTypeDefinition, baseUrl: string): ScimResource {
  return {
    schemas: [URN.resourceType],
    id: type.id,
    name: type.name,
    endpoint: type.endpoint,
    ...(type.description === undefined ? {} : { description: type.description }),
    schema: type.schema,
    schemaExtensions: type.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${trimBaseUrl(baseUrl)}/ResourceTypes/${type.id}` },
  };
}

function listOf(resources: readonly ScimResource[]): ListResponse {
  return listResponse({ resources, totalResults: resources.length, startIndex: 1 });
}

/** `GET /Schemas` (RFC 7644 §4): every schema of the registry. */
export function schemasResponse(registry: SchemaRegistry, baseUrl: string): ListResponse {
  return listOf(registry.schemas().map((s) => schemaDocument(s, baseUrl)));
}

/** `GET /Schemas/{id}`: the schema whose URN is `id` (case-insensitive), or undefined (a 404). */
export function schemaById(registry: SchemaRegistry, baseUrl: string, id: string): ScimResource | undefined {
  const schema = registry.schemas().find((s) => s.id.toLowerCase() === id.toLowerCase());
  return schema && schemaDocument(schema, baseUrl);
}

/** `GET /ResourceTypes` (RFC 7644 §4): User and Group with their extensions. */
export function resourceTypesResponse(registry: SchemaRegistry, baseUrl: string): ListResponse {
  return listOf(registry.resourceTypes().map((t) => resourceTypeDocument(t, baseUrl)));
}

/** `GET /ResourceTypes/{id}` (`User`, `Group`, case-insensitive), or undefined (a 404). */
export function resourceTypeById(registry: SchemaRegistry, baseUrl: string, id: string): ScimResource | undefined {
  const type = registry.resourceTypes().find((t) => t.id.toLowerCase() === id.toLowerCase());
  return type && resourceTypeDocument(type, baseUrl);
}
