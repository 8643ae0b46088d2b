/**
 * Organization policies (DESIGN.md §3), kept in the organization's settings: userName must be an
 * e-mail address, optionally from allowed domains; userName immutable after creation; displayName
 * derived from the name on the first sync; whether `userType` must name a role; the default role
 * for users without one (or, when it need not, with one that names no role); and the IdP
 * compatibility profile. A new organization starts from a named preset (`rfc-open` unless the
 * deployment chooses another): `rfc-open` accepts every RFC 7643-valid user, `email-identity`
 * enforces the rules of products whose users are identified by their work e-mail. The user service
 * enforces them through `rulesFor` (policy-rules.ts), read through a short-lived per-organization
 * cache that changes made in this process invalidate at once, and changes made by another process
 * (seen through `store.configVersion()`) before its next use.
 */
import { ScimError } from '../core/scim-error.ts';
import type { OrganizationRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { OperationContext } from './context.ts';
import type { CompatibilityProfile } from './organizations.ts';

/** The user policies of one organization. */
export interface UserPolicies {
  /** userName must be an e-mail address (default true). */
  readonly userNameMustBeEmail: boolean;
  /** When non-empty, userName's domain must be one of these (`contoso.com`, or `*.contoso.com` for subdomains). */
  readonly allowedDomains: readonly string[];
  /** A user's userName cannot change after creation: 400 `mutability`. */
  readonly userNameImmutable: boolean;
  /** On create, a missing displayName becomes "givenName familyName". */
  readonly deriveDisplayName: boolean;
  /**
   * `userType` must name a role exactly (400 `invalidValue` otherwise). When false, any `userType`
   * is accepted and stored as sent; one that names no role gives the user the default role.
   */
  readonly userTypeMustNameRole: boolean;
  /** The role (`userType`) of users created or replaced without one (default `Employee`). */
  readonly defaultRole: string;
}

/** The policies as admins see and change them: the user policies plus the compatibility profile. */
export interface PolicyView extends UserPolicies {
  readonly compatibilityProfile: CompatibilityProfile;
}

/** What the user service needs on every write: the policies and the names of the roles. */
export interface UserRules {
  readonly policies: UserPolicies;
  /** Every role name of the organization; `userType` must be one of them exactly. */
  readonly roleNames: readonly string[];
}

const NO_DOMAINS = Object.freeze([]) as readonly string[];

/**
 * Named starting points for an organization's policies. `rfc-open` accepts any unique userName and
 * any userType (RFC 7643 §4.1.1), as generic SCIM clients and test suites expect; `email-identity`
 * is the rule set of products whose users sign in with their work e-mail: userName is an e-mail
 * address (from the allowed domains, once an admin lists them) that never changes, userType names a
 * role, and displayName is derived from the name.
 */
export const POLICY_PRESETS = Object.freeze({
  'rfc-open': Object.freeze({
    userNameMustBeEmail: false,
    allowedDomains: NO_DOMAINS,
    userNameImmutable: false,
    deriveDisplayName: false,
    userTypeMustNameRole: false,
    defaultRole: 'Employee',
  }),
  'email-identity': Object.freeze({
    userNameMustBeEmail: true,
    allowedDomains: NO_DOMAINS,
    userNameImmutable: true,
    deriveDisplayName: true,
    userTypeMustNameRole: true,
    defaultRole: 'Employee',
  }),
} satisfies Record<string, UserPolicies>);

/** What each preset is for, in a sentence (the admin API and the console show it). */
export const POLICY_PRESET_DESCRIPTIONS: Readonly<Record<keyof typeof POLICY_PRESETS, string>> = Object.freeze({
  'rfc-open': 'Accepts every RFC 7643-valid user: any unique userName (such as "bjensen") and any userType, which is kept as sent.',
  'email-identity': 'For products whose users sign in with their work e-mail: userName is an e-mail address that never changes, userType must name a role, displayName is built from the name.',
});

/** The name of a policy preset. */
export type PolicyPresetName = keyof typeof POLICY_PRESETS;

/** Every preset name, in the order help texts list them. */
export const POLICY_PRESET_NAMES = Object.keys(POLICY_PRESETS) as PolicyPresetName[];

/** The preset a new organization gets when neither the request nor the deployment names one. */
export const DEFAULT_POLICY_PRESET: PolicyPresetName = 'rfc-open';

/** True for the name of a policy preset. */
export const isPolicyPresetName = (value: unknown): value is PolicyPresetName =>
  typeof value === 'string' && Object.hasOwn(POLICY_PRESETS, value);

/** The preset's policies; 400 `invalidValue` for an unknown name. */
export function presetPolicies(name: unknown): UserPolicies {
  if (!isPolicyPresetName(name)) {
    throw invalid(`preset must be one of ${POLICY_PRESET_NAMES.map((n) => `"${n}"`).join(', ')}, not ${JSON.stringify(name)}`);
  }
  return POLICY_PRESETS[name];
}

/** What an absent stored policy means (organizations store every policy when they are created). */
export const DEFAULT_POLICIES: UserPolicies = POLICY_PRESETS[DEFAULT_POLICY_PRESET];

const MAX_DOMAINS = 100;
const DOMAIN = /^(\*\.)?(?=.{1,253}$)[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)+$/u;

function invalid(detail: string): ScimError {
  return new ScimError(400, 'invalidValue', detail);
}

type BooleanPolicy = 'userNameMustBeEmail' | 'userNameImmutable' | 'deriveDisplayName' | 'userTypeMustNameRole';

/** The user policies stored in `settings.policies`, with defaults for anything absent. */
export function policiesOf(settings: Readonly<Record<string, unknown>>): UserPolicies {
  const stored = (settings['policies'] ?? {}) as Partial<Record<keyof UserPolicies, unknown>>;
  const bool = (key: BooleanPolicy) =>
    typeof stored[key] === 'boolean' ? (stored[key] as boolean) : DEFAULT_POLICIES[key];
  return {
    userNameMustBeEmail: bool('userNameMustBeEmail'),
    allowedDomains: Array.isArray(stored.allowedDomains) ? stored.allowedDomains.filter((d): d is string => typeof d === 'string') : [],
    userNameImmutable: bool('userNameImmutable'),
    deriveDisplayName: bool('deriveDisplayName'),
    userTypeMustNameRole: bool('userTypeMustNameRole'),
    defaultRole: typeof stored.defaultRole === 'string' ? stored.defaultRole : DEFAULT_POLICIES.defaultRole,
  };
}

/** The admin view of an organization's policies. */
export function policyViewOf(org: OrganizationRecord): PolicyView {
  const profile = org.settings['compatibilityProfile'] === 'strict' ? 'strict' : 'lenient';
  return { ...policiesOf(org.settings), compatibilityProfile: profile };
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false, not ${JSON.stringify(value)}`);
  return value;
}

/** Normalises an allowed-domain list (lower case, no duplicates); 400 for anything not a domain. */
export function parseAllowedDomains(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('allowedDomains must be a list of domains such as ["contoso.com"]');
  if (value.length > MAX_DOMAINS) throw invalid(`allowedDomains has more than ${MAX_DOMAINS} entries`);
  const domains = value.map((entry: unknown) => {
    const domain = typeof entry === 'string' ? entry.trim().toLowerCase() : '';
    if (!DOMAIN.test(domain)) throw invalid(`allowedDomains entry ${JSON.stringify(entry)} is not a domain (e.g. contoso.com or *.contoso.com)`);
    return domain;
  });
  return [...new Set(domains)];
}

/**
 * Validates a partial policy change; unknown keys are refused so typos do not pass silently. A
 * `preset` sets every user policy to the preset's value first; the other keys then override it.
 */
export function validatePolicyChange(input: Readonly<Record<string, unknown>>): Partial<PolicyView> {
  const out: Record<string, unknown> = input['preset'] === undefined ? {} : { ...presetPolicies(input['preset']) };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'preset') continue;
    switch (key) {
      case 'userNameMustBeEmail':
      case 'userNameImmutable':
      case 'deriveDisplayName':
      case 'userTypeMustNameRole':
        out[key] = checkBoolean(key, value);
        break;
      case 'allowedDomains':
        out[key] = parseAllowedDomains(value);
        break;
      case 'defaultRole':
        if (typeof value !== 'string' || value === '') throw invalid('defaultRole must name a role');
        out[key] = value;
        break;
      case 'compatibilityProfile':
        if (value !== 'lenient' && value !== 'strict') throw invalid(`compatibilityProfile must be "lenient" or "strict", not ${JSON.stringify(value)}`);
        out[key] = value;
        break;
      default:
        throw invalid(`unknown policy "${key}"; known: preset, userNameMustBeEmail, allowedDomains, userNameImmutable, deriveDisplayName, userTypeMustNameRole, defaultRole, compatibilityProfile`);
    }
  }
  return out as Partial<PolicyView>;
}

export interface PolicyServiceDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /** How long `rulesFor` reuses an organization's rules (default 2000 ms, like the key cache; 0 disables). */
  readonly cacheTtlMs?: number;
  /** Called after an organization's policies changed (the key authenticator forgets its cache). */
  readonly onChange?: (orgId: string) => void;
}

/** Creates the policy service over a store. */
export function createPolicyService(deps: PolicyServiceDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const ttl = Math.max(deps.cacheTtlMs ?? 2000, 0);
  const cache = new Map<string, { readonly rules: UserRules; readonly until: number }>();
  const notFound = (id: string) => new ScimError(404, undefined, `Organization "${id}" not found`);

  async function load(orgId: string): Promise<UserRules> {
    const org = await store.organizations.get(orgId);
    if (!org) throw notFound(orgId);
    const roles = await store.roles.list(orgId);
    return { policies: policiesOf(org.settings), roleNames: roles.map((r) => r.name) };
  }

  let seenVersion: number | undefined;
  // Bumped whenever cached rules are dropped, so a load that overlapped the change does not refill.
  let generation = 0;

  const forget = (orgId: string): void => {
    generation += 1;
    cache.delete(orgId);
  };

  return {
    /** The rules the user service enforces for the organization (cached for `cacheTtlMs`). */
    async rulesFor(orgId: string): Promise<UserRules> {
      const version = store.configVersion();
      if (version !== seenVersion) {
        seenVersion = version;
        generation += 1;
        cache.clear();
      }
      const now = clock().getTime();
      const hit = cache.get(orgId);
      if (hit && hit.until > now) return hit.rules;
      const started = generation;
      const rules = await load(orgId);
      // Rules read while they were being changed are used once, not cached.
      if (ttl > 0 && started === generation) cache.set(orgId, { rules, until: now + ttl });
      return rules;
    },

    /** Forgets the cached rules of an organization (its roles or policies changed). */
    forget,

    /** The organization's policies, or 404. */
    async get(orgId: string): Promise<PolicyView> {
      const org = await store.organizations.get(orgId);
      if (!org) throw notFound(orgId);
      return policyViewOf(org);
    },

    /**
     * Changes some policies (400 `invalidValue` for a bad value, 404 for an unknown default role);
     * records `organization.policies_updated` with the values before and after.
     */
    async update(ctx: OperationContext, input: Readonly<Record<string, unknown>>): Promise<PolicyView> {
      const change = validatePolicyChange(input);
      const view = await store.transaction(async (tx) => {
        const org = await tx.organizations.get(ctx.orgId);
        if (!org) throw notFound(ctx.orgId);
        if (change.defaultRole !== undefined && !(await tx.roles.findByName(ctx.orgId, change.defaultRole))) {
          const names = (await tx.roles.list(ctx.orgId)).map((r) => r.name).join(', ');
          throw invalid(`defaultRole "${change.defaultRole}" is not a role of this organization; roles: ${names}`);
        }
        const before = policyViewOf(org);
        const { compatibilityProfile, ...policies } = change;
        const settings = {
          ...org.settings,
          ...(compatibilityProfile === undefined ? {} : { compatibilityProfile }),
          policies: { ...policiesOf(org.settings), ...policies },
        };
        const updated = await tx.organizations.update(ctx.orgId, { settings });
        if (!updated) throw notFound(ctx.orgId);
        const after = policyViewOf(updated);
        const keys = Object.keys(change) as (keyof PolicyView)[];
        await tx.auditEvents.append(ctx.orgId, {
          actorType: ctx.actor.type,
          actorId: ctx.actor.id,
          actorName: ctx.actor.name,
          action: 'organization.policies_updated',
          resourceType: 'Organization',
          resourceId: ctx.orgId,
          requestId: ctx.requestId ?? null,
          sourceIp: ctx.sourceIp ?? null,
          changes: {
            ...(input['preset'] === undefined ? {} : { preset: input['preset'] }),
            before: pick(before, keys),
            after: pick(after, keys),
          },
        });
        return after;
      });
      forget(ctx.orgId);
      deps.onChange?.(ctx.orgId);
      return view;
    },
  };
}

function pick(view: PolicyView, keys: readonly (keyof PolicyView)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, view[k]]));
}

export type PolicyService = ReturnType<typeof createPolicyService>;
