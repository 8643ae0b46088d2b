/**
 * Bearer-secret authentication for the SCIM and admin APIs (RFC 6750 §2.1): the
 * secret's SHA-256 is looked up in the store and compared in constant time, then expiry and
 * revocation are checked against the clock.
 *
 * Two things keep the per-request cost low:
 * - Successful lookups are cached for a short time (`cacheTtlMs`, 2 s by default, at most 10 s).
 *   Expiry and revocation are still evaluated on every request against the cached record. A key
 *   revoked through this process is dropped from the cache at once; before every use the cache
 *   also compares `store.configVersion()`, which moves when another process (the CLI, another
 *   instance) changed keys or organizations, and empties itself then. Either way a revoked key or
 *   a disabled organization fails on the very next request.
 * - `lastUsedAt` is not written per request: uses are collected in memory (latest time per key)
 *   and written in one batch every `flushIntervalMs` (1 s by default) and on `close()`. A key's
 *   first use ever (its stored `lastUsedAt` is empty) is written at once, without waiting for the
 *   batch, so an admin checking `key list` right after connecting Entra sees that it worked.
 */
import type { ApiKeyRecord, OrganizationRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { hashSecret, hashesEqual, isWellFormedSecret } from './api-key-secrets.ts';
import type { AuthenticationResult, KeyPrincipal } from './authenticator.ts';

export interface KeyAuthenticatorOptions {
  readonly clock?: () => Date;
  /** How long a successful lookup is reused (0 disables the cache; capped at 10 s). */
  readonly cacheTtlMs?: number;
  /** How often collected `lastUsedAt` times are written (0: only on flush/close and first uses). */
  readonly flushIntervalMs?: number;
  /** Called when a background flush fails (the uses are kept and retried on the next flush). */
  readonly onFlushError?: (error: unknown) => void;
}

interface CacheEntry {
  readonly key: ApiKeyRecord;
  readonly principal: KeyPrincipal;
  readonly until: number;
}

const MAX_CACHE_TTL_MS = 10_000;
const MAX_CACHE_ENTRIES = 10_000;

/** Builds the principal the HTTP edge sees from a key and its organization. */
export function principalOf(key: ApiKeyRecord, org: OrganizationRecord): KeyPrincipal {
  return Object.freeze({
    orgId: key.orgId,
    keyId: key.id,
    keyType: key.type,
    keyDescription: key.description,
    scopes: key.scopes,
    ipAllowlist: key.ipAllowlist,
    scimEnabled: org.scimEnabled,
    strict: org.settings['compatibilityProfile'] === 'strict',
  });
}

/** Collects key uses in memory and writes them in batches through `store.apiKeys.touchLastUsed`. */
function createUseRecorder(store: Store) {
  // Milliseconds per key id, formatted as ISO 8601 only when written (not once per request).
  let pending = new Map<string, number>();
  return {
    record(id: string, atMs: number) {
      pending.set(id, atMs);
    },
    async flush() {
      if (pending.size === 0) return;
      const batch = pending;
      pending = new Map();
      try {
        await store.apiKeys.touchLastUsed([...batch].map(([id, at]) => ({ id, at: new Date(at).toISOString() })));
      } catch (error) {
        // Keep the uses for the next attempt, unless a newer use has been recorded meanwhile.
        for (const [id, at] of batch) if (!pending.has(id)) pending.set(id, at);
        throw error;
      }
    },
    get size() {
      return pending.size;
    },
  };
}

/** The authenticator with its cache and use recorder (see the module comment). */
export function createKeyAuthenticator(store: Store, options: KeyAuthenticatorOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  const ttl = Math.min(Math.max(options.cacheTtlMs ?? 2000, 0), MAX_CACHE_TTL_MS);
  const cache = new Map<string, CacheEntry>();
  const uses = createUseRecorder(store);
  // Bumped on every invalidation: a lookup that started before it must not refill the cache.
  let epoch = 0;
  // Keys whose first use this process already wrote (their cached record still says "never").
  const firstUseWritten = new Set<string>();
  let writing: Promise<void> = Promise.resolve();

  /** Writes the collected uses now, off the request path; failures go to onFlushError. */
  function flushNow(): void {
    writing = writing.then(() => uses.flush()).catch((error: unknown) => options.onFlushError?.(error));
  }

  let seenVersion: number | undefined;

  async function lookup(hash: string, now: number): Promise<CacheEntry | undefined> {
    const version = store.configVersion();
    if (version !== seenVersion) {
      seenVersion = version;
      forget(() => true);
    }
    const cached = cache.get(hash);
    if (cached && cached.until > now) return cached;
    if (cached) cache.delete(hash);
    const started = epoch;
    const key = await store.apiKeys.findByHash(hash);
    if (!key || !hashesEqual(hash, key.secretHash)) return undefined;
    const org = await store.organizations.get(key.orgId);
    if (!org) return undefined;
    const entry = { key, principal: principalOf(key, org), until: now + ttl };
    if (ttl > 0 && started === epoch) {
      if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(hash, entry);
    }
    return entry;
  }

  function forget(predicate: (entry: CacheEntry) => boolean): void {
    epoch += 1;
    for (const [hash, entry] of cache) if (predicate(entry)) cache.delete(hash);
  }

  async function authenticate(secret: string): Promise<AuthenticationResult> {
    if (!isWellFormedSecret(secret)) return { ok: false, reason: 'malformed' };
    const now = clock();
    const entry = await lookup(hashSecret(secret), now.getTime());
    if (!entry) return { ok: false, reason: 'unknown' };
    if (entry.key.revokedAt !== null) return { ok: false, reason: 'revoked' };
    if (entry.key.expiresAt !== null && Date.parse(entry.key.expiresAt) <= now.getTime()) {
      return { ok: false, reason: 'expired' };
    }
    uses.record(entry.key.id, now.getTime());
    if (entry.key.lastUsedAt === null && !firstUseWritten.has(entry.key.id)) {
      if (firstUseWritten.size >= MAX_CACHE_ENTRIES) firstUseWritten.clear();
      firstUseWritten.add(entry.key.id);
      flushNow();
    }
    return { ok: true, principal: entry.principal };
  }

  const interval = options.flushIntervalMs ?? 1000;
  const timer =
    interval > 0
      ? setInterval(() => {
          uses.flush().catch((error: unknown) => options.onFlushError?.(error));
        }, interval)
      : undefined;
  timer?.unref();

  return {
    authenticate,
    forgetKey: (id: string) => forget((entry) => entry.key.id === id),
    forgetOrganization: (orgId: string) => forget((entry) => entry.key.orgId === orgId),
    flush: () => uses.flush(),
    /** How many keys have uses waiting to be written (for tests and metrics). */
    pendingUses: () => uses.size,
    /** Resolves once the first-use writes started so far have finished. */
    settled: () => writing,
    async close() {
      if (timer) clearInterval(timer);
      await writing;
      await uses.flush();
    },
  };
}
