/**
 * The organization policies applied to a User write, as pure functions over
 * canonical resources (RFC 7643 §4.1). The user service calls `applyUserPolicies` after schema
 * validation on create, replace and patch. A rule checks only a value the write sets or changes:
 * a stored value that predates a policy does not block unrelated updates (such as deactivation).
 */
import type { ScimResource } from '../core/schema/types.ts';
import { ScimError } from '../core/scim-error.ts';
import type { UserPolicies, UserRules } from './policies.ts';

/** Which write the policies are applied to. */
export type UserWrite = 'create' | 'replace' | 'patch';

const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const EMAIL = new RegExp(`^[^\\s@\\p{Cc}]{1,64}@(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`, 'u');

/** True for an e-mail address as identity providers send userName (`local@domain.tld`). */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/** True when `domain` (lower case) is one of `allowed`; `*.contoso.com` allows its subdomains. */
export function isAllowedDomain(domain: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => (entry.startsWith('*.') ? domain.endsWith(entry.slice(1)) : domain === entry));
}

/** 400 `invalidValue` unless `userName` satisfies the e-mail and allowed-domain policies. */
export function checkUserName(userName: string, policies: UserPolicies): void {
  const needsEmail = policies.userNameMustBeEmail || policies.allowedDomains.length > 0;
  if (needsEmail && !isEmailAddress(userName)) {
    throw new ScimError(400, 'invalidValue', `userName "${userName}" is not an e-mail address; the organization's policy "userName must be an e-mail address" requires one`);
  }
  if (policies.allowedDomains.length === 0) return;
  const domain = userName.slice(userName.lastIndexOf('@') + 1).toLowerCase();
  if (!isAllowedDomain(domain, policies.allowedDomains)) {
    throw new ScimError(400, 'invalidValue', `userName "${userName}" is not in an allowed domain; the organization's policy "allowed domains" permits ${policies.allowedDomains.join(', ')}`);
  }
}

/** 400 `invalidValue` unless `userType` names one of the roles exactly. */
export function checkUserType(userType: unknown, roleNames: readonly string[]): void {
  if (typeof userType === 'string' && roleNames.includes(userType)) return;
  const names = [...roleNames].sort().map((n) => `"${n}"`).join(', ');
  throw new ScimError(400, 'invalidValue', `userType ${JSON.stringify(userType)} is not a role of this organization; use exactly one of ${names}`);
}

const isBlank = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** "givenName familyName" from `name`, or undefined when both are missing. */
export function derivedDisplayName(resource: ScimResource): string | undefined {
  const name = resource['name'] as Record<string, unknown> | undefined;
  const parts = [name?.['givenName'], name?.['familyName']].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length === 0 ? undefined : parts.map((p) => p.trim()).join(' ');
}

function applyUserName(resource: ScimResource, policies: UserPolicies, before: ScimResource | undefined): void {
  const userName = resource['userName'];
  if (typeof userName !== 'string') return;
  const changed = before === undefined || before['userName'] !== userName;
  if (!changed) return;
  if (before !== undefined && policies.userNameImmutable) {
    throw new ScimError(400, 'mutability', `userName cannot be changed after creation (the organization's policy "userName is immutable"); it is "${String(before['userName'])}"`);
  }
  checkUserName(userName, policies);
}

function applyDisplayName(resource: ScimResource, policies: UserPolicies, write: UserWrite, before: ScimResource | undefined): ScimResource {
  if (!policies.deriveDisplayName || !isBlank(resource['displayName'])) return resource;
  if (write === 'create') {
    const derived = derivedDisplayName(resource);
    return derived === undefined ? resource : { ...resource, displayName: derived };
  }
  // A PUT that omits displayName keeps the stored one (derived at the first sync, or set by an admin).
  if (write === 'replace' && before !== undefined && !isBlank(before['displayName'])) return { ...resource, displayName: before['displayName'] };
  return resource;
}

/**
 * Applies the organization's rules to a user about to be written: checks userName (e-mail, allowed
 * domains, immutability), sets a missing `userType` to the default role, checks that a changed
 * `userType` names a role exactly when the policy asks for it, and derives displayName on create.
 * Returns the resource to store.
 */
export function applyUserPolicies(resource: ScimResource, rules: UserRules, write: UserWrite, before?: ScimResource): ScimResource {
  const { policies } = rules;
  applyUserName(resource, policies, before);
  let out = resource;
  if (isBlank(out['userType'])) {
    out = { ...out, userType: policies.defaultRole };
  } else if (policies.userTypeMustNameRole && (before === undefined || before['userType'] !== out['userType'])) {
    checkUserType(out['userType'], rules.roleNames);
  }
  return applyDisplayName(out, policies, write, before);
}

/** A user's role and where it came from: its `userType`, or the default role when that names none. */
export interface RoleAssignment {
  readonly role: string;
  readonly assignedBy: 'userType' | 'defaultRole';
}

/** The role a user holds: the role its `userType` names, else the organization's default role. */
export function roleOf(userType: unknown, rules: UserRules): RoleAssignment {
  if (typeof userType === 'string' && rules.roleNames.includes(userType)) return { role: userType, assignedBy: 'userType' };
  return { role: rules.policies.defaultRole, assignedBy: 'defaultRole' };
}

/**
 * What the revision history notes when a write leaves a user with a `userType` that names no role
 * (accepted because the organization does not require one): the value sent and the role given.
 * Undefined when the userType names a role, is absent, or did not change.
 */
export function roleMappingOf(after: ScimResource, before: ScimResource | undefined, rules: UserRules): Readonly<Record<string, unknown>> | undefined {
  const userType = after['userType'];
  if (isBlank(userType) || before?.['userType'] === userType) return undefined;
  const { role, assignedBy } = roleOf(userType, rules);
  return assignedBy === 'defaultRole' ? { userType, role, reason: 'userType names no role of the organization; the user has the default role' } : undefined;
}
