/**
 * The public surface of scimd's pure SCIM core (RFC 7643 / RFC 7644): everything outer layers and
 * third parties may import. No I/O and no npm packages live behind it, so it could be published alone.
 */
export { ScimError, SCIM_TYPES, badRequest, isScimError, isScimType, type ScimType } from './scim-error.ts';
export { URN } from './urns.ts';

// Schemas (RFC 7643 §4, §7, §8.7)
export type {
  AttributeDefinition,
  AttributeType,
  Mutability,
  ResolvedAttribute,
  ResourceSchemas,
  ResourceTypeDefinition,
  Returned,
  SchemaDefinition,
  ScimResource,
  Uniqueness,
} from './schema/types.ts';
export { COMMON_ATTRIBUTES } from './schema/common.ts';
export { USER_SCHEMA, withActiveDefault } from './schema/user.ts';
export { GROUP_SCHEMA } from './schema/group.ts';
export { ENTERPRISE_USER_SCHEMA } from './schema/enterprise-user.ts';
export { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE, groupSchemas, userSchemas } from './schema/resource-types.ts';
export { findAttribute, findExtensionRoot, findSchema, findSubAttribute, resolveAttribute } from './schema/resolve.ts';
export { createSchemaRegistry, validateSchemaDefinition, type SchemaRegistry } from './schema/registry.ts';
export { validateResource, type ValidateOptions } from './schema/validate-resource.ts';

// Filters and paths (RFC 7644 §3.4.2.2, §3.5.2, §3.10)
export * from './filter/nodes.ts';
export { DEFAULT_FILTER_LIMITS, parseFilter, type FilterLimits, type FilterOptions } from './filter/parser.ts';
export { printFilter } from './filter/printer.ts';
export { checkFilter, compileFilter, matchFilter, type ResourcePredicate } from './filter/match.ts';
export { printAttributePath, splitAttributePath } from './filter/attribute-path.ts';
export type { PatchPath } from './path/types.ts';
export { parsePath, printPath } from './path/parse-path.ts';

// PATCH (RFC 7644 §3.5.2)
export type { MemberRef, MembershipDelta, PatchOpName, PatchOperation, PatchOptions, PatchResult } from './patch/types.ts';
export { applyPatch } from './patch/apply-patch.ts';

// Projection (RFC 7644 §3.4.2.5, §3.9)
export { needsAttribute, project, type ProjectionRequest } from './projection/project.ts';
export { parseAttributeList } from './projection/parse-attribute-list.ts';

// Messages and discovery (RFC 7644 §3.4.2, §3.4.3, §3.5.2, §3.7, §3.12, §4)
export { listResponse, type ListResponse, type ListResponseInput } from './messages/list-response.ts';
export { parseListQuery, parseSearchRequest, type ListQuery, type SortOrder } from './messages/search-request.ts';
export { parsePatchRequest } from './messages/patch-request.ts';
export { bulkResponse, parseBulkRequest, type BulkRequest, type BulkResponse } from './messages/bulk.ts';
export { errorBody, type ErrorBody } from './messages/error-body.ts';
export { BEARER_TOKEN_SCHEME, serviceProviderConfig } from './messages/service-provider-config.ts';
export { resourceTypeById, resourceTypesResponse, schemaById, schemasResponse } from './messages/discovery.ts';
