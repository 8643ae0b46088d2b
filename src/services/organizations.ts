/**
 * Organizations (tenants, DESIGN.md §3): create with a derived slug, the predefined roles and the
 * policies of a preset, read, list, rename, delete with all their data, the SCIM toggle (Settings →
 * Security) and the IdP compatibility profile, and the first-start bootstrap that gives a new
 * deployment one organization and one SCIM key.
 */
import { ScimError } from '../core/scim-error.ts';
import type { OrganizationRecord } from '../store/records.ts';
import { appendEvent } from './record-change.ts';
import type { Store } from '../store/store.ts';
import { insertApiKey, type CreatedApiKey } from './api-keys.ts';
import type { Actor, OperationContext } from './context.ts';
import { DEFAULT_POLICY_PRESET, presetPolicies, type PolicyPresetName } from './policies.ts';

/** The roles every organization starts with; `Employee` is the default for users without `userType`. */
export const PREDEFINED_ROLES = [
  { name: 'Admin', description: 'Manages the organization' },
  { name: 'Editor', description: 'Edits content' },
  { name: 'Viewer', description: 'Reads content' },
  { name: 'Employee', description: 'Default role of provisioned users' },
] as const;

/** The IdP compatibility profile: Entra/Okta leniencies (default) or strict RFC 7644 behaviour. */
export type CompatibilityProfile = 'lenient' | 'strict';

/** The organization settings this service manages (others may live next to them in `settings`). */
export interface OrganizationSettings {
  readonly compatibilityProfile: CompatibilityProfile;
}

/** An organization with its settings typed. */
export interface OrganizationView extends OrganizationRecord {
  readonly compatibilityProfile: CompatibilityProfile;
}

/** The actor of changes scimd makes on its own (bootstrap). */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: 'system' };

/** The first organization's name and slug. */
export const BOOTSTRAP_ORGANIZATION = { name: 'Default organization', slug: 'default' } as const;

/** What `bootstrap` did: nothing (organizations exist), or created the first organization and key. */
export type BootstrapResult =
  | {
      readonly status: 'existing';
      /** The organization's id when exactly one exists (what a "new key" hint can name). */
      readonly organizationId?: string;
    }
  | {
      readonly status: 'created';
      readonly organization: OrganizationView;
      readonly key: CreatedApiKey['key'];
      /** The SCIM secret; returned only here, only once. */
      readonly secret: string;
      /** `provided` when the secret came from SCIMD_BOOTSTRAP_TOKEN. */
      readonly secretSource: 'generated' | 'provided';
    };

const MAX_NAME_LENGTH = 100;
const MAX_SLUG_LENGTH = 48;

/** Derives a URL-safe slug from a name: `Contoso Ltd.` → `contoso-ltd`, `Müller & Co` → `muller-co`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'org' : slug;
}

/** The typed view of a stored organization. */
export function organizationView(record: OrganizationRecord): OrganizationView {
  const profile = record.settings['compatibilityProfile'] === 'strict' ? 'strict' : 'lenient';
  return { ...record, compatibilityProfile: profile };
}

function validName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '') throw new ScimError(400, 'invalidValue', 'name is required');
  if (trimmed.length > MAX_NAME_LENGTH) throw new ScimError(400, 'invalidValue', `name is longer than ${MAX_NAME_LENGTH} characters`);
  return trimmed;
}

/** The first free slug among `base`, `base-2`, `base-3`, … */
async function freeSlug(tx: Store, base: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? base : `${base.slice(0, MAX_SLUG_LENGTH - String(n).length - 1)}-${n}`;
    if (!(await tx.organizations.getBySlug(candidate))) return candidate;
  }
}

async function audit(tx: Store, ctx: OperationContext, action: string, changes: unknown): Promise<void> {
  await tx.auditEvents.append(ctx.orgId, {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action,
    resourceType: 'Organization',
    resourceId: ctx.orgId,
    requestId: ctx.requestId ?? null,
    sourceIp: ctx.sourceIp ?? null,
    changes,
  });
}

export interface NewOrganizationInput {
  readonly name: string;
  /** Defaults to a slug derived from the name (made unique with `-2`, `-3`, …). */
  readonly slug?: string;
  readonly scimEnabled?: boolean;
  /** The policy preset the organization starts from (policies.ts `POLICY_PRESETS`; default `rfc-open`). */
  readonly preset?: string;
}

/**
 * Creates an organization through `tx` with its predefined roles, every user policy of its preset
 * stored in its settings, and its `organization.created` audit event; call it inside a transaction.
 */
export async function insertOrganization(tx: Store, actor: Actor, input: NewOrganizationInput): Promise<OrganizationView> {
  const name = validName(input.name);
  if (input.slug !== undefined && slugify(input.slug) !== input.slug) {
    throw new ScimError(400, 'invalidValue', `slug "${input.slug}" must be lower-case letters, digits and single dashes`);
  }
  const slug = input.slug ?? (await freeSlug(tx, slugify(name)));
  const preset = input.preset ?? DEFAULT_POLICY_PRESET;
  const policies = presetPolicies(preset);
  const settings = { compatibilityProfile: 'lenient', policies };
  const record = await tx.organizations.create({ name, slug, scimEnabled: input.scimEnabled ?? true, settings });
  for (const role of PREDEFINED_ROLES) {
    await tx.roles.create(record.id, { name: role.name, description: role.description, predefined: true });
  }
  const ctx = { orgId: record.id, actor };
  await audit(tx, ctx, 'organization.created', { after: { name, slug, scimEnabled: record.scimEnabled, preset, policies } });
  return organizationView(record);
}

export interface OrganizationServiceDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /** Called after an organization's toggle or settings changed (the authenticator forgets its cache). */
  readonly onChange?: (orgId: string) => void;
  /** The policy preset of organizations created without one (SCIMD_DEFAULT_POLICY_PRESET). */
  readonly defaultPreset?: PolicyPresetName;
}

/** Creates the organization service over a store. */
export function createOrganizationService(deps: OrganizationServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notFound = (id: string) => new ScimError(404, undefined, `Organization "${id}" not found`);

  async function update(ctx: OperationContext, action: string, change: (org: OrganizationRecord) => Partial<OrganizationRecord>) {
    const updated = await store.transaction(async (tx) => {
      const before = await tx.organizations.get(ctx.orgId);
      if (!before) throw notFound(ctx.orgId);
      const changes = change(before);
      const after = await tx.organizations.update(ctx.orgId, changes);
      if (!after) throw notFound(ctx.orgId);
      const was = Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof OrganizationRecord]]));
      await audit(tx, ctx, action, { before: was, after: changes });
      if ('scimEnabled' in changes && before.scimEnabled !== after.scimEnabled) {
        const data = { organization: { id: after.id, name: after.name, slug: after.slug, scimEnabled: after.scimEnabled }, changed: ['scimEnabled'] };
        await appendEvent(tx, ctx.orgId, { action, resourceType: 'Organization', resourceId: ctx.orgId, data });
      }
      return after;
    });
    deps.onChange?.(ctx.orgId);
    return organizationView(updated);
  }

  return {
    /** Creates an organization (name required; slug derived when not given; preset defaults to the deployment's). */
    create: (actor: Actor, input: NewOrganizationInput) =>
      store.transaction((tx) => insertOrganization(tx, actor, { ...input, preset: input.preset ?? deps.defaultPreset })),

    /** The organization, or 404. */
    async get(id: string): Promise<OrganizationView> {
      const record = await store.organizations.get(id);
      if (!record) throw notFound(id);
      return organizationView(record);
    },

    /** Organizations ordered by id (creation order), `limit` at a time after `after`. */
    async list(page: { readonly after?: string; readonly limit?: number; readonly search?: string } = {}): Promise<OrganizationView[]> {
      return (await store.organizations.list(page)).map(organizationView);
    },

    /** Renames the organization (its id, slug and Tenant URL stay the same). */
    async rename(ctx: OperationContext, name: string): Promise<OrganizationView> {
      const valid = validName(name);
      return update(ctx, 'organization.renamed', () => ({ name: valid }));
    },

    /**
     * Deletes the organization with all its data — users, groups, memberships, keys, roles, history,
     * events, jobs — in one transaction; its keys fail from the next request in this process.
     */
    async remove(ctx: OperationContext): Promise<void> {
      await store.transaction(async (tx) => {
        if (!(await tx.organizations.delete(ctx.orgId))) throw notFound(ctx.orgId);
      });
      deps.onChange?.(ctx.orgId);
    },

    /** Turns SCIM provisioning on or off for the organization (effective on the next request). */
    setScimEnabled: (ctx: OperationContext, enabled: boolean) =>
      update(ctx, enabled ? 'organization.scim_enabled' : 'organization.scim_disabled', () => ({ scimEnabled: enabled })),

    /** Changes the organization's settings (the compatibility profile). */
    updateSettings(ctx: OperationContext, settings: Partial<OrganizationSettings>) {
      const profile = settings.compatibilityProfile;
      if (profile !== undefined && profile !== 'strict' && profile !== 'lenient') {
        throw new ScimError(400, 'invalidValue', `compatibilityProfile must be "lenient" or "strict", not "${String(profile)}"`);
      }
      return update(ctx, 'organization.settings_updated', (org) => ({ settings: { ...org.settings, ...settings } }));
    },

    /**
     * On first start (no organization exists) creates the first organization and a `scim` key
     * whose secret is `token` when given (SCIMD_BOOTSTRAP_TOKEN), else a generated one. Running it
     * again, or on a second instance at the same moment, changes nothing.
     */
    async bootstrap(options: { readonly token?: string } = {}): Promise<BootstrapResult> {
      const existing = await store.organizations.list({ limit: 2 });
      if (existing.length === 1) return { status: 'existing', organizationId: existing[0]!.id };
      if (existing.length > 1) return { status: 'existing' };
      try {
        return await store.transaction(async (tx) => {
          const organization = await insertOrganization(tx, SYSTEM_ACTOR, { ...BOOTSTRAP_ORGANIZATION, ...(deps.defaultPreset ? { preset: deps.defaultPreset } : {}) });
          const ctx = { orgId: organization.id, actor: SYSTEM_ACTOR };
          const input = { type: 'scim', description: 'Bootstrap SCIM key', ...(options.token === undefined ? {} : { secret: options.token }) } as const;
          const created = await insertApiKey(tx, ctx, input, clock());
          const secretSource = options.token === undefined ? 'generated' : 'provided';
          return { status: 'created', organization, key: created.key, secret: created.secret, secretSource } as const;
        });
      } catch (error) {
        // Another instance bootstrapped at the same moment: its `default` slug won.
        if (error instanceof ScimError && error.status === 409) return { status: 'existing' };
        throw error;
      }
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
