/** API keys, roles, operators and setup links of the storage port (see store.ts). */
import type { ApiKeyRecord, OperatorRecord, OperatorSessionRecord, RoleRecord, SetupLinkRecord } from './records.ts';

export interface NewApiKey {
  readonly id?: string;
  readonly type: 'scim' | 'api';
  readonly description: string;
  readonly prefix: string;
  readonly secretHash: string;
  readonly scopes?: readonly string[];
  readonly ipAllowlist?: readonly string[];
  readonly expiresAt?: string | null;
  readonly createdBy?: string | null;
}

export interface ApiKeyStore {
  create(orgId: string, input: NewApiKey): Promise<ApiKeyRecord>;
  findByHash(secretHash: string): Promise<ApiKeyRecord | undefined>;
  get(orgId: string, id: string): Promise<ApiKeyRecord | undefined>;
  /** A key by id alone (for `scimd key revoke <keyId>`). */
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  list(orgId: string): Promise<readonly ApiKeyRecord[]>;
  revoke(orgId: string, id: string, at: string): Promise<ApiKeyRecord | undefined>;
  /** Records use times in one statement per key; services batch these instead of writing per request. */
  touchLastUsed(uses: readonly { readonly id: string; readonly at: string }[]): Promise<void>;
}

export interface RoleStore {
  create(orgId: string, input: { readonly id?: string; readonly name: string; readonly description?: string | null; readonly predefined?: boolean }): Promise<RoleRecord>;
  list(orgId: string): Promise<readonly RoleRecord[]>;
  /** Exact (case-sensitive) name lookup: `userType` must name a role exactly. */
  findByName(orgId: string, name: string): Promise<RoleRecord | undefined>;
  get(orgId: string, id: string): Promise<RoleRecord | undefined>;
  update(orgId: string, id: string, changes: { readonly name?: string; readonly description?: string | null }): Promise<RoleRecord | undefined>;
  delete(orgId: string, id: string): Promise<boolean>;
  /** Users whose `userType` is exactly `name` (indexed). */
  countUsers(orgId: string, name: string): Promise<number>;
}

export interface NewOperator {
  readonly id?: string;
  readonly email: string;
  readonly passwordHash: string;
}

/** Operators and their login sessions (deployment-wide, not per organization). */
export interface OperatorStore {
  /** 409 `uniqueness` when the e-mail (case-insensitive) is taken. */
  create(input: NewOperator): Promise<OperatorRecord>;
  get(id: string): Promise<OperatorRecord | undefined>;
  /** Case-insensitive e-mail lookup. */
  findByEmail(email: string): Promise<OperatorRecord | undefined>;
  /** Every operator, oldest first. */
  list(): Promise<readonly OperatorRecord[]>;
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  recordLogin(id: string, at: string): Promise<void>;
  createSession(input: { readonly id?: string; readonly operatorId: string; readonly tokenHash: string; readonly expiresAt: string }): Promise<OperatorSessionRecord>;
  findSession(tokenHash: string): Promise<OperatorSessionRecord | undefined>;
  deleteSession(id: string): Promise<boolean>;
  /** Deletes sessions that expired before `before`; returns how many. */
  deleteExpiredSessions(before: string): Promise<number>;
}

/** Setup links of an organization; only the SHA-256 of each token is stored. */
export interface SetupLinkStore {
  create(orgId: string, input: { readonly id?: string; readonly tokenHash: string; readonly createdBy: string; readonly expiresAt: string }): Promise<SetupLinkRecord>;
  findByHash(tokenHash: string): Promise<SetupLinkRecord | undefined>;
  get(orgId: string, id: string): Promise<SetupLinkRecord | undefined>;
  /** The organization's links, newest first. */
  list(orgId: string): Promise<readonly SetupLinkRecord[]>;
  /** Sets `revokedAt` once; returns the link (unchanged when already revoked), else undefined. */
  revoke(orgId: string, id: string, at: string): Promise<SetupLinkRecord | undefined>;
}
