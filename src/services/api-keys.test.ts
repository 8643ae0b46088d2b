import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScimError } from '../core/scim-error.ts';
import { migrateToLatest } from '../store/migrations/migrate.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import type { SqlStore } from '../store/sql/sql-store.ts';
import type { Store } from '../store/store.ts';
import { checkProvidedSecret, generateSecret, hashSecret, hashesEqual, isWellFormedSecret } from './api-key-secrets.ts';
import { compileAllowlist } from './ip-allowlist.ts';
import { createApiKeyService, keyStatus, parseExpiry, parseIpAllowlist, type ApiKeyServiceDeps } from './api-keys.ts';
import type { OperationContext } from './context.ts';

let store: SqlStore;
let ctx: OperationContext;
let now: number;
const clock = () => new Date(now);
const admin = { type: 'admin', id: 'admin-1', name: 'alice@example.com' } as const;

function service(overrides: Partial<ApiKeyServiceDeps> = {}) {
  return createApiKeyService({ store, clock, flushIntervalMs: 0, ...overrides });
}

async function rejectsWith(promise: Promise<unknown>, status: number, scimType: string | undefined, detail: RegExp) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ScimError, `expected a ScimError, got ${String(e)}`);
    assert.equal(e.status, status);
    assert.equal(e.scimType, scimType);
    assert.match(e.detail, detail);
    return true;
  });
}

/** A store whose api-key reads and writes are counted. */
function counting(inner: Store) {
  const calls = { findByHash: 0, touchLastUsed: [] as { id: string; at: string }[][] };
  const apiKeys = {
    ...inner.apiKeys,
    findByHash: (hash: string) => {
      calls.findByHash += 1;
      return inner.apiKeys.findByHash(hash);
    },
    touchLastUsed: async (uses: readonly { id: string; at: string }[]) => {
      calls.touchLastUsed.push([...uses]);
      await inner.apiKeys.touchLastUsed(uses);
    },
  };
  return { store: { ...inner, apiKeys } as Store, calls };
}

before(async () => {
  store = createSqliteStore({ path: ':memory:' });
  const report = await migrateToLatest(store);
  if (report.error) throw report.error;
});
after(() => store.close());
beforeEach(async () => {
  now = Date.parse('2026-03-01T12:00:00.000Z');
  const org = await store.organizations.create({ name: 'Acme', slug: `acme-${Math.random().toString(36).slice(2)}` });
  ctx = { orgId: org.id, actor: admin, requestId: 'req-1', sourceIp: '203.0.113.9' };
});

describe('API key secrets', () => {
  it('generates scimd_-prefixed secrets with 256 random bits and a visible prefix', () => {
    const { secret, prefix } = generateSecret();
    assert.match(secret, /^scimd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.ok(secret.startsWith(`${prefix}_`));
    assert.equal(Buffer.from(secret.slice(prefix.length + 1), 'base64url').length, 32);
    const many = new Set(Array.from({ length: 200 }, () => generateSecret().secret));
    assert.equal(many.size, 200);
  });

  it('hashes with SHA-256 and compares hashes only when their lengths match', () => {
    const hash = hashSecret('scimd_00000000_x');
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.ok(hashesEqual(hash, hash));
    assert.ok(!hashesEqual(hash, hashSecret('other')));
    assert.ok(!hashesEqual(hash, hash.slice(0, 62)));
    assert.ok(!hashesEqual('', ''));
  });

  it('treats short, overlong and non-token strings as malformed', () => {
    assert.ok(isWellFormedSecret(generateSecret().secret));
    for (const bad of ['', 'short', 'x'.repeat(513), `${'a'.repeat(40)} b`, `${'a'.repeat(40)}\u00e9`]) {
      assert.ok(!isWellFormedSecret(bad), bad);
    }
  });

  it('rejects a provided secret that is too short or too uniform, naming every problem', () => {
    assert.throws(() => checkProvidedSecret('a'.repeat(20)), (e: unknown) => {
      assert.ok(e instanceof ScimError);
      assert.equal(e.status, 400);
      assert.equal(e.scimType, 'invalidValue');
      assert.match(e.detail, /at least 32 characters, at least 12 different characters/);
      return true;
    });
    assert.equal(checkProvidedSecret('0123456789abcdefghijklmnopqrstuvwxyz').prefix, '0123…');
  });
});

describe('API key input validation', () => {
  it('reads a date as the end of that day and rejects past or garbled expiries', () => {
    const t = new Date('2026-03-01T00:00:00Z');
    assert.equal(parseExpiry('2027-06-30', t), '2027-06-30T23:59:59.999Z');
    assert.equal(parseExpiry('2027-06-30T12:00:00+02:00', t), '2027-06-30T10:00:00.000Z');
    assert.throws(() => parseExpiry('2020-01-01', t), /in the past/);
    assert.throws(() => parseExpiry('next tuesday', t), /not an ISO 8601 date/);
  });

  it('accepts IPv4 and IPv6 addresses and CIDRs and matches callers against them', () => {
    const list = parseIpAllowlist(['203.0.113.0/24', ' 2001:db8::/32 ', '198.51.100.7']);
    assert.deepEqual(list, ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32']);
    assert.ok(compileAllowlist(list).allows('203.0.113.200'));
    assert.ok(compileAllowlist(list).allows('2001:db8:1::5'));
    assert.ok(compileAllowlist(list).allows('198.51.100.7'));
    assert.ok(!compileAllowlist(list).allows('198.51.100.8'));
    assert.ok(!compileAllowlist(list).allows('not-an-ip'));
  });

  it('rejects allow-list entries that are not addresses or CIDRs', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', 'example.com', '10.0.0.1/8/8', '10.0.0.0/x']) {
      assert.throws(() => parseIpAllowlist([bad]), (e: unknown) => e instanceof ScimError && e.scimType === 'invalidValue' && e.detail.includes(bad));
    }
  });

  it('reports expiring soon within 30 days of the expiry', () => {
    const t = new Date('2026-03-01T00:00:00Z');
    assert.equal(keyStatus({ expiresAt: null, revokedAt: null }, t), 'active');
    assert.equal(keyStatus({ expiresAt: '2026-03-20T00:00:00.000Z', revokedAt: null }, t), 'expiring');
    assert.equal(keyStatus({ expiresAt: '2026-02-20T00:00:00.000Z', revokedAt: null }, t), 'expired');
    assert.equal(keyStatus({ expiresAt: null, revokedAt: '2026-02-01T00:00:00.000Z' }, t), 'revoked');
  });
});

describe('API key service', () => {
  it('decides in one place whether a key may call the SCIM or the admin API: validity, type, allow-list, SCIM toggle', async () => {
    const keys = service();
    const scim = await keys.create(ctx, { type: 'scim', description: 'Entra', ipAllowlist: ['10.0.0.0/8'] });
    const api = await keys.create(ctx, { type: 'api', description: 'Host app' });
    assert.equal((await keys.authorize(scim.secret, '10.1.2.3', 'scim')).ok, true);
    assert.deepEqual(await keys.authorize('scimd_00000000_nope-nope-nope-nope-nope-nope-nope-nope', '10.1.2.3', 'scim'), { ok: false, status: 401, reason: 'unknown' });
    const outside = await keys.authorize(scim.secret, '192.0.2.1', 'scim');
    assert.ok(!outside.ok && outside.status === 403);
    assert.deepEqual([outside.reason, outside.detail], ['ipNotAllowed', 'This key may not be used from 192.0.2.1; it has an IP allow-list']);
    const scimOnAdmin = await keys.authorize(scim.secret, '10.1.2.3', 'api');
    assert.ok(!scimOnAdmin.ok && scimOnAdmin.status === 403 && scimOnAdmin.reason === 'wrongKeyType');
    assert.match(scimOnAdmin.detail, /^This key is a SCIM key/);
    const apiOnScim = await keys.authorize(api.secret, undefined, 'scim');
    assert.ok(!apiOnScim.ok && apiOnScim.status === 403 && apiOnScim.reason === 'wrongKeyType');
    assert.match(apiOnScim.detail, /^This key is an admin API key/);
    await store.organizations.update(ctx.orgId, { scimEnabled: false });
    keys.forgetOrganization(ctx.orgId);
    const disabled = await keys.authorize(scim.secret, '10.1.2.3', 'scim');
    assert.ok(!disabled.ok && disabled.status === 403);
    assert.deepEqual([disabled.reason, disabled.principal.orgId], ['scimDisabled', ctx.orgId], 'the refused key still names its organization');
    assert.equal((await keys.authorize(api.secret, undefined, 'api')).ok, true, 'the SCIM toggle does not apply to the admin API');
  });

  it('returns the secret once and stores only its hash and prefix', async () => {
    const keys = service();
    const created = await keys.create(ctx, { type: 'scim', description: 'Entra ID', expiresAt: '2027-06-30' });
    assert.match(created.secret, /^scimd_/);
    assert.equal(created.key.prefix, created.secret.slice(0, 14));
    assert.equal(created.key.expiresAt, '2027-06-30T23:59:59.999Z');
    assert.equal(created.key.createdBy, 'alice@example.com');
    assert.equal('secretHash' in created.key, false);
    const row = await store.kysely.selectFrom('api_keys').selectAll().where('id', '=', created.key.id).executeTakeFirstOrThrow();
    assert.equal(row.secret_hash, hashSecret(created.secret));
    assert.ok(!JSON.stringify(row).includes(created.secret.slice(15)), 'the secret itself is never stored');
    const listed = await keys.list(ctx.orgId);
    assert.deepEqual(listed.map((k) => [k.id, k.status]), [[created.key.id, 'active']]);
    assert.ok(!JSON.stringify(listed).includes(created.secret.slice(15)));
  });

  it('records key creation and revocation in the revision history without the secret', async () => {
    const keys = service();
    const created = await keys.create(ctx, { type: 'scim', description: 'Okta', ipAllowlist: ['10.0.0.0/8'] });
    await keys.revoke(ctx, created.key.id);
    await keys.revoke(ctx, created.key.id);
    const history = await store.auditEvents.query(ctx.orgId, { limit: 10, resourceId: created.key.id, order: 'oldest' });
    assert.deepEqual(history.events.map((e) => e.action), ['key.created', 'key.revoked']);
    assert.equal(history.events[0]?.actorName, 'alice@example.com');
    assert.equal(history.events[0]?.sourceIp, '203.0.113.9');
    const text = JSON.stringify(history.events);
    assert.ok(!text.includes(created.secret.slice(15)) && !text.includes(hashSecret(created.secret)));
    assert.match(text, /10\.0\.0\.0\/8/);
  });

  it('rejects invalid input with 400 invalidValue and a detail naming the field', async () => {
    const keys = service();
    await rejectsWith(keys.create(ctx, { type: 'scim', description: ' ' }), 400, 'invalidValue', /description is required/);
    await rejectsWith(keys.create(ctx, { type: 'root' as 'scim', description: 'x' }), 400, 'invalidValue', /type must be "scim" or "api"/);
    await rejectsWith(keys.create(ctx, { type: 'scim', description: 'x', expiresAt: '2020-01-01' }), 400, 'invalidValue', /in the past/);
    await rejectsWith(keys.create(ctx, { type: 'scim', description: 'x', scopes: ['users:read'] }), 400, 'invalidValue', /scopes apply to "api" keys only/);
    await rejectsWith(keys.revoke(ctx, 'missing'), 404, undefined, /API key "missing" not found/);
    await rejectsWith(keys.get(ctx.orgId, 'missing'), 404, undefined, /not found/);
  });

  it('authenticates a key into its organization, type and allow-list', async () => {
    const keys = service();
    const created = await keys.create(ctx, { type: 'api', description: 'Host app', scopes: ['users:read'], ipAllowlist: ['10.1.0.0/16'] });
    const result = await keys.authenticate(created.secret);
    assert.ok(result.ok);
    assert.deepEqual(result.principal, {
      orgId: ctx.orgId,
      keyId: created.key.id,
      keyType: 'api',
      keyDescription: 'Host app',
      scopes: ['users:read'],
      ipAllowlist: ['10.1.0.0/16'],
      scimEnabled: true,
      strict: false,
    });
  });

  it('answers malformed for junk and unknown for a well-formed secret nobody issued', async () => {
    const keys = service();
    assert.deepEqual(await keys.authenticate('Bearer'), { ok: false, reason: 'malformed' });
    assert.deepEqual(await keys.authenticate(generateSecret().secret), { ok: false, reason: 'unknown' });
  });

  it('never accepts a stored key whose hash does not equal the presented one', async () => {
    const created = await service().create(ctx, { type: 'scim', description: 'x' });
    const record = await store.apiKeys.get(ctx.orgId, created.key.id);
    // A store that answered a lookup loosely (e.g. a case-insensitive collation) must not let a near miss in.
    const loose = { ...store, apiKeys: { ...store.apiKeys, findByHash: async () => record } } as Store;
    const keys = createApiKeyService({ store: loose, clock, flushIntervalMs: 0 });
    assert.deepEqual(await keys.authenticate(generateSecret().secret), { ok: false, reason: 'unknown' });
    assert.ok((await keys.authenticate(created.secret)).ok);
  });

  it('rejects a key as expired from the moment its expiry passes, even when cached', async () => {
    const keys = service({ cacheTtlMs: 10_000 });
    const created = await keys.create(ctx, { type: 'scim', description: 'x', expiresAt: '2026-03-01T12:00:05Z' });
    assert.ok((await keys.authenticate(created.secret)).ok);
    now += 5000;
    assert.deepEqual(await keys.authenticate(created.secret), { ok: false, reason: 'expired' });
    assert.equal((await keys.get(ctx.orgId, created.key.id)).status, 'expired');
  });

  it('rejects a revoked key on the very next request although its lookup was cached', async () => {
    const counted = counting(store);
    const keys = createApiKeyService({ store: counted.store, clock, cacheTtlMs: 10_000, flushIntervalMs: 0 });
    const created = await keys.create(ctx, { type: 'scim', description: 'x' });
    assert.ok((await keys.authenticate(created.secret)).ok);
    assert.ok((await keys.authenticate(created.secret)).ok);
    assert.equal(counted.calls.findByHash, 1, 'the second request is served from the cache');
    const revoked = await keys.revoke(ctx, created.key.id);
    assert.equal(revoked.status, 'revoked');
    assert.deepEqual(await keys.authenticate(created.secret), { ok: false, reason: 'revoked' });
  });

  it('lets another instance see a revocation once its cache entry ages out', async () => {
    const keys = service({ cacheTtlMs: 2000 });
    const other = service({ cacheTtlMs: 2000 });
    const created = await keys.create(ctx, { type: 'scim', description: 'x' });
    assert.ok((await other.authenticate(created.secret)).ok);
    await keys.revoke(ctx, created.key.id);
    now += 2000;
    assert.deepEqual(await other.authenticate(created.secret), { ok: false, reason: 'revoked' });
  });

  it('sees the SCIM toggle and compatibility profile change once the organization is forgotten', async () => {
    const keys = service({ cacheTtlMs: 10_000 });
    const created = await keys.create(ctx, { type: 'scim', description: 'x' });
    assert.equal((await keys.authenticate(created.secret)).ok && true, true);
    await store.organizations.update(ctx.orgId, { scimEnabled: false, settings: { compatibilityProfile: 'strict' } });
    keys.forgetOrganization(ctx.orgId);
    const result = await keys.authenticate(created.secret);
    assert.ok(result.ok);
    assert.equal(result.principal.scimEnabled, false);
    assert.equal(result.principal.strict, true);
  });

  it('collects lastUsedAt in memory and writes it in one batch per flush', async () => {
    const counted = counting(store);
    const keys = createApiKeyService({ store: counted.store, clock, flushIntervalMs: 0 });
    const a = await keys.create(ctx, { type: 'scim', description: 'a' });
    const b = await keys.create(ctx, { type: 'scim', description: 'b' });
    // Both keys were used before (a first use is written at once, see the next test).
    await store.apiKeys.touchLastUsed([{ id: a.key.id, at: '2026-01-01T00:00:00.000Z' }, { id: b.key.id, at: '2026-01-01T00:00:00.000Z' }]);
    for (let i = 0; i < 50; i += 1) {
      now += 10;
      await keys.authenticate(i % 2 === 0 ? a.secret : b.secret);
    }
    assert.equal(counted.calls.touchLastUsed.length, 0, 'no write per request');
    assert.equal((await keys.get(ctx.orgId, a.key.id)).lastUsedAt, '2026-01-01T00:00:00.000Z');
    await keys.flushLastUsed();
    await keys.flushLastUsed();
    assert.equal(counted.calls.touchLastUsed.length, 1);
    assert.equal(counted.calls.touchLastUsed[0]?.length, 2);
    assert.equal((await keys.get(ctx.orgId, b.key.id)).lastUsedAt, new Date(now).toISOString());
    assert.equal((await keys.get(ctx.orgId, a.key.id)).lastUsedAt, new Date(now - 10).toISOString());
  });

  it('writes a key\'s first use at once, so "last used" is right after an IdP connects', async () => {
    const counted = counting(store);
    const keys = createApiKeyService({ store: counted.store, clock, flushIntervalMs: 0 });
    const a = await keys.create(ctx, { type: 'scim', description: 'a' });
    assert.ok((await keys.authenticate(a.secret)).ok);
    await keys.firstUsesWritten();
    assert.equal((await keys.get(ctx.orgId, a.key.id)).lastUsedAt, new Date(now).toISOString());
    assert.equal(counted.calls.touchLastUsed.length, 1);
    now += 10;
    await keys.authenticate(a.secret);
    await keys.firstUsesWritten();
    assert.equal(counted.calls.touchLastUsed.length, 1, 'later uses wait for the batch');
    await keys.close();
    assert.equal((await keys.get(ctx.orgId, a.key.id)).lastUsedAt, new Date(now).toISOString());
  });

  it('flushes pending uses on close and on its timer', async () => {
    const counted = counting(store);
    const keys = createApiKeyService({ store: counted.store, clock, flushIntervalMs: 20 });
    const a = await keys.create(ctx, { type: 'scim', description: 'a' });
    await keys.authenticate(a.secret);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(counted.calls.touchLastUsed.length, 1);
    now += 1000;
    await keys.authenticate(a.secret);
    await keys.close();
    assert.equal(counted.calls.touchLastUsed.length, 2);
    assert.equal((await keys.get(ctx.orgId, a.key.id)).lastUsedAt, new Date(now).toISOString());
  });

  it('keeps uses for the next flush when a write fails', async () => {
    let fail = true;
    const flaky = {
      ...store,
      apiKeys: { ...store.apiKeys, touchLastUsed: async (uses: readonly { id: string; at: string }[]) => (fail ? Promise.reject(new Error('db down')) : store.apiKeys.touchLastUsed(uses)) },
    } as Store;
    const keys = createApiKeyService({ store: flaky, clock, flushIntervalMs: 0 });
    const a = await keys.create(ctx, { type: 'scim', description: 'a' });
    await store.apiKeys.touchLastUsed([{ id: a.key.id, at: '2026-01-01T00:00:00.000Z' }]);
    await keys.authenticate(a.secret);
    await assert.rejects(keys.flushLastUsed(), /db down/);
    fail = false;
    await keys.flushLastUsed();
    assert.equal((await keys.get(ctx.orgId, a.key.id)).lastUsedAt, new Date(now).toISOString());
  });
});
