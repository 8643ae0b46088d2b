/**
 * Roles (DESIGN.md §3): the predefined `Admin`, `Editor`, `Viewer` and `Employee` plus custom roles
 * per organization. A user's role is the role its SCIM `userType` (RFC 7643 §4.1.1) names; under the
 * `userTypeMustNameRole` policy every write must name one exactly, otherwise a userType that names
 * none gives the user the organization's default role (policy-rules.ts `roleOf`). A role
 * that users hold cannot be renamed or deleted, because the identity provider keeps sending its name.
 * Every change is recorded in the revision history.
 */
import { parseFilter } from '../core/filter/parser.ts';
import { ScimError } from '../core/scim-error.ts';
import type { RoleRecord, UserRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { OperationContext } from './context.ts';
import { policiesOf } from './policies.ts';
import { roleOf, type RoleAssignment } from './policy-rules.ts';

/** The role of users who are not "members" (the members view leaves them out). */
export const EMPLOYEE_ROLE = 'Employee';

/** A role as admins see it, with how many users hold it. */
export interface RoleView extends Omit<RoleRecord, 'orgId'> {
  readonly users: number;
}

export interface RoleServiceDeps {
  readonly store: Store;
  /** Called after an organization's roles changed (the policy cache forgets the organization). */
  readonly onChange?: (orgId: string) => void;
}

/** A user of the members view with the role it holds and whether its userType named that role. */
export interface MemberUser extends UserRecord {
  readonly role: RoleAssignment;
}

/** A page of the members view. */
export interface MembersPage {
  readonly users: readonly MemberUser[];
  readonly nextCursor?: string;
}

const MAX_ROLE_NAME_LENGTH = 64;
const MEMBERS_FILTER = parseFilter(`userType pr and userType ne "${EMPLOYEE_ROLE}"`);

/** Checks a role name: 1–64 characters, no surrounding spaces, no control characters. */
export function validRoleName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new ScimError(400, 'invalidValue', 'role name is required');
  if (name !== name.trim()) throw new ScimError(400, 'invalidValue', `role name "${name}" must not start or end with spaces`);
  if (name.length > MAX_ROLE_NAME_LENGTH) throw new ScimError(400, 'invalidValue', `role name is longer than ${MAX_ROLE_NAME_LENGTH} characters`);
  if (/\p{Cc}/u.test(name)) throw new ScimError(400, 'invalidValue', 'role name must not contain control characters');
  return name;
}

async function audit(tx: Store, ctx: OperationContext, action: string, role: RoleRecord, changes: unknown): Promise<void> {
  await tx.auditEvents.append(ctx.orgId, {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action,
    resourceType: 'Role',
    resourceId: role.id,
    requestId: ctx.requestId ?? null,
    sourceIp: ctx.sourceIp ?? null,
    changes,
  });
}

/** 409 when another role's name differs from `name` only in case (userType must be unambiguous). */
async function assertNameFree(tx: Store, orgId: string, name: string, exceptId?: string): Promise<void> {
  const clash = (await tx.roles.list(orgId)).find((r) => r.id !== exceptId && r.name.toLowerCase() === name.toLowerCase());
  if (clash) throw new ScimError(409, 'uniqueness', `A role named "${clash.name}" already exists; role names must differ by more than letter case`);
}

/** Creates the role service over a store. */
export function createRoleService(deps: RoleServiceDeps) {
  const { store } = deps;
  const notFound = (idOrName: string) => new ScimError(404, undefined, `Role "${idOrName}" not found`);

  async function find(tx: Store, orgId: string, idOrName: string): Promise<RoleRecord> {
    const role = (await tx.roles.get(orgId, idOrName)) ?? (await tx.roles.findByName(orgId, idOrName));
    if (!role) throw notFound(idOrName);
    return role;
  }

  /** Refuses to change a predefined role or one that users hold. */
  async function assertChangeable(tx: Store, orgId: string, role: RoleRecord, verb: 'renamed' | 'deleted'): Promise<void> {
    if (role.predefined) throw new ScimError(409, undefined, `"${role.name}" is a predefined role and cannot be ${verb}`);
    const org = await tx.organizations.get(orgId);
    if (org && policiesOf(org.settings).defaultRole === role.name) {
      throw new ScimError(409, undefined, `Role "${role.name}" is the organization's default role and cannot be ${verb}; choose another default role first`);
    }
    const users = await tx.roles.countUsers(orgId, role.name);
    if (users > 0) {
      throw new ScimError(409, undefined, `Role "${role.name}" is the userType of ${users} user(s) and cannot be ${verb}; change their userType in the identity provider first`);
    }
  }

  async function change<T>(ctx: OperationContext, work: (tx: Store) => Promise<T>): Promise<T> {
    const result = await store.transaction(work);
    deps.onChange?.(ctx.orgId);
    return result;
  }

  return {
    /** The organization's roles by name, each with the number of users holding it. */
    async list(orgId: string): Promise<RoleView[]> {
      const roles = await store.roles.list(orgId);
      return Promise.all(roles.map(async ({ orgId: _org, ...role }) => ({ ...role, users: await store.roles.countUsers(orgId, role.name) })));
    },

    /** A role by id or exact name, or 404. */
    async get(orgId: string, idOrName: string): Promise<RoleView> {
      const { orgId: _org, ...role } = await find(store, orgId, idOrName);
      return { ...role, users: await store.roles.countUsers(orgId, role.name) };
    },

    /** Creates a custom role (409 `uniqueness` when the name is taken in any letter case). */
    create(ctx: OperationContext, input: { readonly name: string; readonly description?: string | null }): Promise<RoleView> {
      const name = validRoleName(input.name);
      return change(ctx, async (tx) => {
        if (!(await tx.organizations.get(ctx.orgId))) throw new ScimError(404, undefined, `Organization "${ctx.orgId}" not found`);
        await assertNameFree(tx, ctx.orgId, name);
        const { orgId: _org, ...role } = await tx.roles.create(ctx.orgId, { name, description: input.description ?? null });
        await audit(tx, ctx, 'role.created', { ...role, orgId: ctx.orgId }, { after: { name, description: role.description } });
        return { ...role, users: 0 };
      });
    },

    /** Renames a custom role that no user holds (409 otherwise). */
    rename(ctx: OperationContext, idOrName: string, newName: string): Promise<RoleView> {
      const name = validRoleName(newName);
      return change(ctx, async (tx) => {
        const role = await find(tx, ctx.orgId, idOrName);
        if (role.name === name) return { ...role, users: await tx.roles.countUsers(ctx.orgId, name) };
        await assertChangeable(tx, ctx.orgId, role, 'renamed');
        await assertNameFree(tx, ctx.orgId, name, role.id);
        const updated = await tx.roles.update(ctx.orgId, role.id, { name });
        if (!updated) throw notFound(idOrName);
        await audit(tx, ctx, 'role.renamed', updated, { before: { name: role.name }, after: { name } });
        const { orgId: _org, ...view } = updated;
        return { ...view, users: 0 };
      });
    },

    /** Deletes a custom role that no user holds (409 otherwise). */
    remove(ctx: OperationContext, idOrName: string): Promise<void> {
      return change(ctx, async (tx) => {
        const role = await find(tx, ctx.orgId, idOrName);
        await assertChangeable(tx, ctx.orgId, role, 'deleted');
        await tx.roles.delete(ctx.orgId, role.id);
        await audit(tx, ctx, 'role.deleted', role, { before: { name: role.name, description: role.description } });
      });
    },

    /**
     * The members view: users whose `userType` is set and is not `Employee`, in id order, `count` at
     * a time with a cursor (RFC 9865), each with the role it holds — a userType that names no role
     * shows with the default role it was given. One indexed query per page.
     */
    async members(orgId: string, page: { readonly count: number; readonly cursor?: string }): Promise<MembersPage> {
      const org = await store.organizations.get(orgId);
      if (!org) throw new ScimError(404, undefined, `Organization "${orgId}" not found`);
      const rules = { policies: policiesOf(org.settings), roleNames: (await store.roles.list(orgId)).map((r) => r.name) };
      const result = await store.users.list(orgId, { filter: MEMBERS_FILTER, count: page.count, cursor: page.cursor ?? '', includeTotal: false });
      const users = result.resources.map((user) => ({ ...user, role: roleOf(user.userType, rules) }));
      return result.nextCursor === undefined ? { users } : { users, nextCursor: result.nextCursor };
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
