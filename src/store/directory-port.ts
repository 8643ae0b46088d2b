/** Organizations, users, groups and the extension schemas of the storage port (see store.ts). */
import type { Filter } from '../core/filter/nodes.ts';
import type { MemberRef, MembershipDelta } from '../core/patch/types.ts';
import type { ResourceSchemas, SchemaDefinition, ScimResource } from '../core/schema/types.ts';
import type { ExtensionResourceType, GroupRecord, MemberRecord, OrganizationRecord, SchemaExtensionRecord, UserGroupRecord, UserRecord } from './records.ts';
import type { ListPage, ListQuery, ReadForWrite, WriteOptions, WriteResult } from './store.ts';

/** How a user is read. */
export interface UserReadOptions extends ReadForWrite {
  /**
   * Also read the user's direct groups into `groups`, where the store can do so in the same
   * statement (a round trip saved on PostgreSQL); a store that cannot leaves `groups` absent and
   * the caller asks `groupsOf`.
   */
  readonly withGroups?: boolean;
}

export interface UserWriteOptions extends WriteOptions {
  /**
   * The user as `get` returned it moments before, in the same transaction: the store may then
   * skip reading it again. The write is still guarded by that record's version.
   */
  readonly current?: UserRecord;
}

/** How a group is written. */
export interface GroupWriteOptions extends WriteOptions {
  /**
   * The group as `get` returned it moments before, in the same transaction (locked FOR UPDATE): the
   * store may then skip reading it again. The write is still guarded by that record's version.
   */
  readonly current?: GroupRecord;
}

export interface NewOrganization {
  readonly id?: string;
  readonly name: string;
  readonly slug: string;
  readonly scimEnabled?: boolean;
  readonly settings?: Readonly<Record<string, unknown>>;
}

export type OrganizationChanges = Partial<Pick<OrganizationRecord, 'name' | 'slug' | 'scimEnabled' | 'settings'>>;

export interface OrganizationStore {
  create(input: NewOrganization): Promise<OrganizationRecord>;
  get(id: string): Promise<OrganizationRecord | undefined>;
  getBySlug(slug: string): Promise<OrganizationRecord | undefined>;
  /** Organizations in id order after `after`; `search` keeps those whose name or slug contains it (any case). */
  list(page?: { readonly after?: string; readonly limit?: number; readonly search?: string }): Promise<readonly OrganizationRecord[]>;
  update(id: string, changes: OrganizationChanges): Promise<OrganizationRecord | undefined>;
  /** Deletes the organization and every row of every table that belongs to it. */
  delete(id: string): Promise<boolean>;
}

/**
 * Users (RFC 7643 §4.1). `create`/`replace` take the canonical resource; the store writes `id` and
 * `meta` into it, strips `groups` and `password`, and maintains the indexed columns and value rows.
 */
export interface UserStore {
  create(orgId: string, resource: ScimResource, options?: { readonly id?: string }): Promise<UserRecord>;
  /**
   * Creates many users at once with multi-row inserts (imports, Bulk, loading benchmarks), in one
   * transaction: all or nothing. A userName repeated in the batch or already taken → 409
   * `uniqueness` naming it, and nothing is written. `ids`, when given, pairs with `resources`.
   * Records no audit or outbox events: the caller does.
   */
  createMany(orgId: string, resources: readonly ScimResource[], options?: { readonly ids?: readonly string[] }): Promise<UserRecord[]>;
  get(orgId: string, id: string, options?: UserReadOptions): Promise<UserRecord | undefined>;
  /** Case-insensitive (JavaScript `toLowerCase`) lookup, like the uniqueness rule. */
  findByUserName(orgId: string, userName: string): Promise<UserRecord | undefined>;
  replace(orgId: string, id: string, resource: ScimResource, options?: UserWriteOptions): Promise<WriteResult<UserRecord>>;
  /** Deletes the user and its memberships. */
  delete(orgId: string, id: string, options?: WriteOptions): Promise<WriteResult<{ readonly id: string }>>;
  list(orgId: string, query: ListQuery): Promise<ListPage<UserRecord>>;
  count(orgId: string, filter?: Filter, schemas?: ResourceSchemas): Promise<number>;
  /** The groups the user is a direct member of, from the membership index. */
  groupsOf(orgId: string, userId: string): Promise<readonly UserGroupRecord[]>;
  /**
   * The direct groups of several users in one query (a listing page), keyed by user id; users in
   * no group are absent from the map.
   */
  groupsOfMany(orgId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, readonly UserGroupRecord[]>>;
}

/** What `applyMembershipDelta` actually changed (ids), for audit and outbox events. */
export interface MembershipChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Groups (RFC 7643 §4.2). Reading a group never touches memberships; members are read separately. */
export interface GroupStore {
  /** Creates the group; `members` (or, when omitted, `resource.members`) become membership rows. */
  create(
    orgId: string,
    resource: ScimResource,
    options?: { readonly id?: string; readonly members?: readonly MemberRef[] },
  ): Promise<GroupRecord>;
  get(orgId: string, id: string, options?: ReadForWrite): Promise<GroupRecord | undefined>;
  findByDisplayName(orgId: string, displayName: string): Promise<GroupRecord | undefined>;
  /** Replaces the group's attributes (not its members: use applyMembershipDelta). */
  replace(orgId: string, id: string, resource: ScimResource, options?: GroupWriteOptions): Promise<WriteResult<GroupRecord>>;
  delete(orgId: string, id: string, options?: WriteOptions): Promise<WriteResult<{ readonly id: string }>>;
  list(orgId: string, query: ListQuery): Promise<ListPage<GroupRecord>>;
  count(orgId: string, filter?: Filter, schemas?: ResourceSchemas): Promise<number>;
  /**
   * Applies a PATCH membership delta as row inserts and deletes (re-adds are no-ops). Every added
   * member must be a user or group of the organization, else ScimError 400 `invalidValue`.
   * `current`: the group as read FOR UPDATE in the same transaction, so its existence need not be
   * checked again.
   */
  applyMembershipDelta(orgId: string, groupId: string, delta: MembershipDelta, options?: { readonly current?: GroupRecord }): Promise<MembershipChange>;
  /** Members ordered by id, `limit` at a time after the id `after`. */
  listMembers(
    orgId: string,
    groupId: string,
    page: { readonly after?: string; readonly limit: number },
  ): Promise<readonly MemberRecord[]>;
  countMembers(orgId: string, groupId: string): Promise<number>;
  /** True when `memberId` is a direct member of the group. */
  hasMember(orgId: string, groupId: string, memberId: string): Promise<boolean>;
}


/** What registering or replacing an extension schema stores. */
export interface NewSchemaExtension {
  readonly id: string;
  readonly resourceType: ExtensionResourceType;
  readonly required: boolean;
  readonly definition: SchemaDefinition;
}

/**
 * An organization's extension schemas (RFC 7643 §7), looked up by URN regardless of case, and the
 * stored resources that hold data under one of them.
 */
export interface SchemaExtensionStore {
  /** The organization's extension schemas, ordered by URN (lower-cased). */
  list(orgId: string): Promise<readonly SchemaExtensionRecord[]>;
  get(orgId: string, urn: string): Promise<SchemaExtensionRecord | undefined>;
  /**
   * Registers the schema (version 1) or replaces the one with the same URN (version + 1, its
   * creation time kept). `expectedVersion` guards a replacement: another version → `conflict`.
   */
  put(orgId: string, input: NewSchemaExtension, options?: WriteOptions): Promise<WriteResult<SchemaExtensionRecord>>;
  delete(orgId: string, urn: string): Promise<boolean>;
  /** How many users (or groups) of the organization hold an object under the URN key `urn`. */
  countUsing(orgId: string, resourceType: ExtensionResourceType, urn: string): Promise<number>;
  /**
   * Creates (if missing) the expression index that answers `urn:attribute eq "…"` for every
   * organization (extension-index.ts); returns its name. DDL: call it outside other transactions.
   */
  ensureIndex(resourceType: ExtensionResourceType, urn: string, attribute: string, caseExact: boolean): Promise<string>;
  /** The ids of those resources in id order, `limit` at a time after the id `after`. */
  idsUsing(orgId: string, resourceType: ExtensionResourceType, urn: string, page: { readonly after?: string; readonly limit: number }): Promise<readonly string[]>;
}
