/**
 * API keys (DESIGN.md §3): generate, list, revoke. The secret is returned
 * exactly once, from `create`; the store keeps only its SHA-256 and a short visible prefix. Key
 * events go to the revision history in the same transaction as the change. Authentication of
 * bearer secrets lives in api-key-authenticator.ts, which `createApiKeyService` wires in.
 */
import { isIP } from 'node:net';
import { ScimError } from '../core/scim-error.ts';
import type { ApiKeyRecord } from '../store/records.ts';
import { appendEvent } from './record-change.ts';
import type { Store } from '../store/store.ts';
import { createKeyAuthenticator, type KeyAuthenticatorOptions } from './api-key-authenticator.ts';
import { checkProvidedSecret, generateSecret, hashSecret } from './api-key-secrets.ts';
import type { Authenticator } from './authenticator.ts';
import type { OperationContext } from './context.ts';
import { compileAllowlist } from './ip-allowlist.ts';
import { createKeyAuthorizer } from './key-authorization.ts';

export type ApiKeyType = 'scim' | 'api';

/** What an admin chooses when generating a key. */
export interface NewApiKeyInput {
  readonly type: ApiKeyType;
  readonly description: string;
  /** ISO 8601 date-time, or a date (`2027-06-30`, meaning the end of that day, UTC). Cannot be changed later. */
  readonly expiresAt?: string | null;
  /** IPv4/IPv6 addresses or CIDRs the key may be used from; empty or absent means anywhere. */
  readonly ipAllowlist?: readonly string[];
  /** Admin API scopes (`api` keys only). */
  readonly scopes?: readonly string[];
  /**
   * A secret chosen by the operator instead of a generated one — only for the bootstrap token
   * (SCIMD_BOOTSTRAP_TOKEN). Checked for length and variety, then only its hash is kept.
   */
  readonly secret?: string;
}

/** A key's lifecycle state as admins see it. */
export type ApiKeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';

/** A key as listed: everything but the hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'> & { readonly status: ApiKeyStatus };

/** The result of `create`: the key and its secret, which is never available again. */
export interface CreatedApiKey {
  readonly key: ApiKeyView;
  readonly secret: string;
}

/** How long before expiry a key counts as "expiring soon" (the reminder window of key-expiry reminders). */
export const EXPIRING_SOON_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_DESCRIPTION_LENGTH = 200;
const MAX_ALLOWLIST_ENTRIES = 100;

const invalid = (detail: string): ScimError => new ScimError(400, 'invalidValue', detail);

/** The status of a key at `now`. */
export function keyStatus(key: Pick<ApiKeyRecord, 'expiresAt' | 'revokedAt'>, now: Date): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt === null) return 'active';
  const left = Date.parse(key.expiresAt) - now.getTime();
  if (left <= 0) return 'expired';
  return left <= EXPIRING_SOON_MS ? 'expiring' : 'active';
}

/** The listing view of a stored key (drops the hash, adds the status). */
export function viewOf(record: ApiKeyRecord, now: Date): ApiKeyView {
  const { secretHash: _hash, ...rest } = record;
  return { ...rest, status: keyStatus(record, now) };
}

/** Normalises an expiry to ISO 8601 UTC with milliseconds; it must lie in the future. */
export function parseExpiry(value: string, now: Date): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T23:59:59.999Z` : value);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw invalid(`expiresAt "${value}" is not an ISO 8601 date or date-time (e.g. 2027-06-30 or 2027-06-30T12:00:00Z)`);
  }
  if (ms <= now.getTime()) throw invalid(`expiresAt "${value}" is in the past`);
  return new Date(ms).toISOString();
}

/** Validates an IP allow-list (addresses or CIDRs, IPv4 and IPv6) and returns it in canonical form. */
export function parseIpAllowlist(entries: readonly string[]): string[] {
  if (entries.length > MAX_ALLOWLIST_ENTRIES) throw invalid(`ipAllowlist has more than ${MAX_ALLOWLIST_ENTRIES} entries`);
  return entries.map((raw) => {
    const entry = raw.trim();
    const [address = '', prefix, extra] = entry.split('/');
    try {
      // The same compiler requests are matched with must accept the entry.
      if (extra !== undefined) throw new RangeError('more than one "/"');
      compileAllowlist([entry]);
    } catch {
      throw invalid(`ipAllowlist entry "${raw}" is not an IP address or CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)`);
    }
    return `${address}/${prefix ?? (isIP(address) === 6 ? 128 : 32)}`;
  });
}

function validateInput(input: NewApiKeyInput, now: Date) {
  if (input.type !== 'scim' && input.type !== 'api') throw invalid(`type must be "scim" or "api", not "${String(input.type)}"`);
  const description = typeof input.description === 'string' ? input.description.trim() : '';
  if (description === '') throw invalid('description is required (e.g. "Entra ID provisioning")');
  if (description.length > MAX_DESCRIPTION_LENGTH) throw invalid(`description is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
  if (input.type === 'scim' && (input.scopes ?? []).length > 0) throw invalid('scopes apply to "api" keys only');
  const secret = input.secret === undefined ? generateSecret() : checkProvidedSecret(input.secret);
  return {
    type: input.type,
    description,
    expiresAt: input.expiresAt == null ? null : parseExpiry(input.expiresAt, now),
    ipAllowlist: parseIpAllowlist(input.ipAllowlist ?? []),
    scopes: [...(input.scopes ?? [])],
    secret,
  };
}

/**
 * Inserts a key and its `key.created` audit event through `tx` (call it inside a transaction; the
 * organization bootstrap does, together with the organization). Returns the secret once.
 */
export async function insertApiKey(tx: Store, ctx: OperationContext, input: NewApiKeyInput, now: Date): Promise<CreatedApiKey> {
  const valid = validateInput(input, now);
  const record = await tx.apiKeys.create(ctx.orgId, {
    type: valid.type,
    description: valid.description,
    prefix: valid.secret.prefix,
    secretHash: hashSecret(valid.secret.secret),
    scopes: valid.scopes,
    ipAllowlist: valid.ipAllowlist,
    expiresAt: valid.expiresAt,
    createdBy: ctx.actor.name,
  });
  await appendKeyEvent(tx, ctx, 'key.created', record);
  return { key: viewOf(record, now), secret: valid.secret.secret };
}

async function appendKeyEvent(tx: Store, ctx: OperationContext, action: string, key: ApiKeyRecord): Promise<void> {
  const { id: _id, orgId: _org, secretHash: _hash, lastUsedAt: _used, ...state } = key;
  await tx.auditEvents.append(ctx.orgId, {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action,
    resourceType: 'ApiKey',
    resourceId: key.id,
    requestId: ctx.requestId ?? null,
    sourceIp: ctx.sourceIp ?? null,
    changes: action === 'key.created' ? { after: state } : { after: { revokedAt: key.revokedAt } },
  });
  // The host application hears of it too; the key's secret and hash never leave the store.
  await appendEvent(tx, ctx.orgId, { action, resourceType: 'ApiKey', resourceId: key.id, data: { key: { id: key.id, ...state }, changed: action === 'key.created' ? Object.keys(state) : ['revokedAt'] } });
}

export interface ApiKeyServiceDeps extends KeyAuthenticatorOptions {
  readonly store: Store;
}

/** The API key service; also the `Authenticator` the HTTP edge uses. */
export interface ApiKeyService extends Authenticator {
  create(ctx: OperationContext, input: NewApiKeyInput): Promise<CreatedApiKey>;
  list(orgId: string): Promise<ApiKeyView[]>;
  /** 404 when the key does not exist in the organization. */
  get(orgId: string, id: string): Promise<ApiKeyView>;
  /** Revokes the key (idempotent); in this process it fails from the very next request. */
  revoke(ctx: OperationContext, id: string): Promise<ApiKeyView>;
  /** Forgets cached lookups of an organization's keys (after its SCIM toggle or settings change). */
  forgetOrganization(orgId: string): void;
  /** Writes the collected `lastUsedAt` times now. */
  flushLastUsed(): Promise<void>;
  /** Resolves once the first-use writes started so far (see api-key-authenticator.ts) are done. */
  firstUsesWritten(): Promise<void>;
  /** Stops the flush timer and writes what is still pending. */
  close(): Promise<void>;
}

/** Creates the API key service over a store. */
export function createApiKeyService(deps: ApiKeyServiceDeps): ApiKeyService {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const auth = createKeyAuthenticator(store, deps);
  const notFound = (id: string) => new ScimError(404, undefined, `API key "${id}" not found`);

  return {
    authenticate: auth.authenticate,
    authorize: createKeyAuthorizer(auth.authenticate),
    forgetOrganization: auth.forgetOrganization,
    flushLastUsed: auth.flush,
    firstUsesWritten: auth.settled,
    close: auth.close,
    create: (ctx, input) => store.transaction((tx) => insertApiKey(tx, ctx, input, clock())),
    async list(orgId) {
      const now = clock();
      return (await store.apiKeys.list(orgId)).map((record) => viewOf(record, now));
    },
    async get(orgId, id) {
      const record = await store.apiKeys.get(orgId, id);
      if (!record) throw notFound(id);
      return viewOf(record, clock());
    },
    async revoke(ctx, id) {
      const now = clock();
      const record = await store.transaction(async (tx) => {
        const existing = await tx.apiKeys.get(ctx.orgId, id);
        if (!existing) throw notFound(id);
        if (existing.revokedAt !== null) return existing;
        const revoked = await tx.apiKeys.revoke(ctx.orgId, id, now.toISOString());
        if (!revoked) throw notFound(id);
        await appendKeyEvent(tx, ctx, 'key.revoked', revoked);
        return revoked;
      });
      auth.forgetKey(record.id);
      return viewOf(record, now);
    },
  };
}
