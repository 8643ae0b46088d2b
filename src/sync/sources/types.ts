/**
 * What a source yields: objects with attributes, a stable key, the soft-deleted flag, and for
 * groups their member references. A read is either full (every object) or incremental (objects
 * changed since a watermark); both list every key present so that removed objects are found by
 * comparison with the links.
 */
import type { SoftDeletedRule } from '../config-schema.ts';

export interface SourceObject {
  /** The immutable source key (CSV key column, LDAP `uid`/`entryUUID`, SCIM `id` …). */
  readonly key: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** True when the source says the object is disabled or deleted (Entra's `IsSoftDeleted`). */
  readonly softDeleted: boolean;
  /** A group's member references: user keys, or LDAP DNs resolved through `keyOf`. */
  readonly members?: readonly string[];
}

export interface SourceSnapshot {
  /** The objects read: all of them on a full read, the changed ones on an incremental read. */
  readonly objects: readonly SourceObject[];
  /** Every key present in the source now. */
  readonly keys: ReadonlySet<string>;
  /** True when `objects` holds every object of the source. */
  readonly full: boolean;
  /** What the next incremental read starts from. */
  readonly watermark: string | undefined;
  /** Maps a member reference (an LDAP DN) to the key of the object it names. */
  readonly keyOf?: (reference: string) => string | undefined;
}

export interface Source {
  /** Reads everything (`watermark` undefined) or what changed since `watermark`. */
  read(watermark: string | undefined): Promise<SourceSnapshot>;
  /** Checks that the source can be reached (bind, open the file …). */
  test(): Promise<void>;
  close(): Promise<void>;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'disabled', 'deleted']);

/** Decides `IsSoftDeleted` for an object's attributes under the configured rule. */
export function isSoftDeleted(attributes: Readonly<Record<string, unknown>>, rule: SoftDeletedRule | undefined): boolean {
  if (rule === undefined) return false;
  const raw = attributes[rule.attribute];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') return false;
  if (rule.bit !== undefined) {
    const n = typeof value === 'number' ? value : Number.parseInt(String(value), 10);
    return Number.isFinite(n) && (n & rule.bit) !== 0;
  }
  if (rule.values !== undefined) return rule.values.some((v) => String(v).toLowerCase() === String(value).toLowerCase());
  return value === true || TRUE_WORDS.has(String(value).toLowerCase());
}

/** A source problem that stops the cycle (unreachable, bad credentials, unreadable file). */
export class SourceError extends Error {
  readonly code = 'SYNC_SOURCE_FAILED';
}
