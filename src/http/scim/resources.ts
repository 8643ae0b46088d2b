/**
 * Users and Groups behind one interface, so the routes, `/.search` and `/Bulk` are written once
 * (RFC 7644 §3.2–§3.6). Each endpoint decides from the projection request whether the costly
 * computed attribute — a user's `groups`, a group's `members` — must be loaded at all.
 */
import type { ListQuery } from '../../core/messages/search-request.ts';
import type { PatchOperation } from '../../core/patch/types.ts';
import { needsAttribute } from '../../core/projection/project.ts';
import type { ProjectionRequest } from '../../core/projection/compile-request.ts';
import type { ResourceSchemas, ScimResource } from '../../core/schema/types.ts';
import type { OperationContext } from '../../services/context.ts';
import type { GroupService } from '../../services/scim-groups.ts';
import type { UserService } from '../../services/scim-users.ts';

/** A resource with the version its ETag is made from. */
export interface ResourceView {
  readonly resource: ScimResource;
  readonly version: number;
  /** `resource` without its computed attribute, as JSON text from the store (see `renderResource`). */
  readonly storedJson?: string;
}

export interface ResourcePage {
  readonly resources: readonly ResourceView[];
  readonly totalResults?: number;
  readonly nextCursor?: string;
}

/** One SCIM resource endpoint (RFC 7644 §3.2): its type, its URL segment and its use cases. */
export interface ResourceEndpoint {
  readonly type: 'User' | 'Group';
  /** The path segment under the base URL: `Users` or `Groups`. */
  readonly segment: 'Users' | 'Groups';
  /** The attribute computed from memberships rather than stored: a user's `groups`, a group's `members`. */
  readonly computed: 'groups' | 'members';
  schemas(orgId: string): ResourceSchemas;
  create(ctx: OperationContext, body: unknown): Promise<ResourceView>;
  get(ctx: OperationContext, id: string, request: ProjectionRequest): Promise<ResourceView>;
  replace(ctx: OperationContext, id: string, body: unknown, expectedVersion?: number): Promise<ResourceView>;
  /** PATCH; a group comes back without `members` (never sent back wholesale, docs/clients.md S18). */
  patch(ctx: OperationContext, id: string, operations: readonly PatchOperation[], expectedVersion?: number): Promise<ResourceView>;
  remove(ctx: OperationContext, id: string, expectedVersion?: number): Promise<void>;
  list(ctx: OperationContext, query: ListQuery): Promise<ResourcePage>;
}

/**
 * `needsAttribute` for one attribute name, remembered per schema set for the request that names
 * no attributes — what nearly every IdP request is — so it is not recompiled per request.
 */
function needs(name: string): (schemas: ResourceSchemas, request: ProjectionRequest) => boolean {
  const byDefault = new WeakMap<ResourceSchemas, boolean>();
  return (schemas, request) => {
    if ((request.attributes?.length ?? 0) > 0 || (request.excludedAttributes?.length ?? 0) > 0) return needsAttribute(schemas, request, name);
    let answer = byDefault.get(schemas);
    if (answer === undefined) byDefault.set(schemas, (answer = needsAttribute(schemas, {}, name)));
    return answer;
  };
}

/** The User endpoint over the user service; `groups` is read only when the response shows it. */
export function userEndpoint(users: UserService, schemasFor: (orgId: string) => ResourceSchemas): ResourceEndpoint {
  const needsGroups = needs('groups');
  const withGroups = (ctx: OperationContext, request: ProjectionRequest) => needsGroups(schemasFor(ctx.orgId), request);
  return {
    type: 'User',
    segment: 'Users',
    computed: 'groups',
    schemas: schemasFor,
    create: (ctx, body) => users.create(ctx, body),
    get: (ctx, id, request) => users.get(ctx, id, { withGroups: withGroups(ctx, request) }),
    replace: (ctx, id, body, expected) => users.replace(ctx, id, body, expected),
    patch: (ctx, id, operations, expected) => users.patch(ctx, id, operations, expected),
    remove: (ctx, id, expected) => users.remove(ctx, id, expected),
    list: (ctx, query) => users.list(ctx, query, { withGroups: withGroups(ctx, query) }),
  };
}

/** The Group endpoint; `excludedAttributes=members` never touches the membership table. */
export function groupEndpoint(groups: GroupService, schemasFor: (orgId: string) => ResourceSchemas): ResourceEndpoint {
  const needsMembers = needs('members');
  const withMembers = (ctx: OperationContext, request: ProjectionRequest) => needsMembers(schemasFor(ctx.orgId), request);
  return {
    type: 'Group',
    segment: 'Groups',
    computed: 'members',
    schemas: schemasFor,
    create: (ctx, body) => groups.create(ctx, body),
    get: (ctx, id, request) => groups.get(ctx, id, { withMembers: withMembers(ctx, request) }),
    replace: (ctx, id, body, expected) => groups.replace(ctx, id, body, expected),
    patch: (ctx, id, operations, expected) =>
      groups.patch(ctx, id, operations, { withMembers: false, ...(expected === undefined ? {} : { expectedVersion: expected }) }),
    remove: (ctx, id, expected) => groups.remove(ctx, id, expected),
    list: (ctx, query) => groups.list(ctx, query, { withMembers: withMembers(ctx, query) }),
  };
}
