/**
 * What every use case needs to know about the caller: the organization (tenant), the actor recorded
 * in the revision history, and request metadata for audit lines.
 */
import type { ActorType } from '../store/records.ts';

/** The actor name SCIM changes are recorded under (DESIGN.md §1, step 5). */
export const SCIM_SYSTEM_USER = 'SCIM System User';

export interface Actor {
  readonly type: ActorType;
  /** The API key id for SCIM changes, the admin's id for admin changes. */
  readonly id: string | null;
  /** `SCIM System User (<key description>)`, an admin's e-mail, or `system`. */
  readonly name: string;
}

export interface OperationContext {
  readonly orgId: string;
  readonly actor: Actor;
  readonly requestId?: string;
  readonly sourceIp?: string;
  /** The organization's IdP compatibility profile: strict RFC behaviour or client leniencies. */
  readonly strict?: boolean;
}

/** The actor for a change made through SCIM with the key `keyId`. */
export function scimActor(keyId: string, keyDescription: string): Actor {
  return { type: 'scim', id: keyId, name: keyDescription ? `${SCIM_SYSTEM_USER} (${keyDescription})` : SCIM_SYSTEM_USER };
}

/** Returns the `ETag` of a stored version (RFC 7644 §3.14; weak, because it reflects a version). */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * The version an `If-Match` / `If-None-Match` header names, `'*'` for any, or `null` when the header
 * names no version this server could have issued (so it never matches).
 */
export function versionFromEtag(header: string): number | '*' | null {
  const trimmed = header.trim();
  if (trimmed === '*') return '*';
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(trimmed);
  return match ? Number(match[1]) : null;
}
