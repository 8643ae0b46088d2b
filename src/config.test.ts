import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, storeConfigOf } from './config.ts';

describe('loadConfig', () => {
  it('starts on the embedded SQLite database with no configuration at all', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.database, { kind: 'sqlite', path: 'data/scimd.db', synchronous: 'full' });
    assert.equal(config.publicUrl, undefined);
    assert.equal(config.limits.maxBodyBytes, 1024 * 1024);
    assert.ok(config.rateLimit.perSecond >= 25, 'Entra needs at least 25 requests/s per tenant');
  });

  it('chooses PostgreSQL when DATABASE_URL is a postgres URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    assert.deepEqual(config.database, { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', poolSize: 10 });
  });

  it('sizes the PostgreSQL pool from SCIMD_PG_POOL_SIZE (1–1000, default 10)', () => {
    const sized = loadConfig({ DATABASE_URL: 'postgres://h/db', SCIMD_PG_POOL_SIZE: '24' });
    assert.deepEqual(storeConfigOf(sized), { url: 'postgres://h/db', maxConnections: 24 });
    for (const bad of ['0', '1001', 'ten']) {
      assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://h/db', SCIMD_PG_POOL_SIZE: bad }), (e: unknown) => e instanceof ConfigError && /SCIMD_PG_POOL_SIZE/.test(e.message));
    }
  });

  it('accepts sqlite: URLs and :memory:', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: ':memory:' }).database, { kind: 'sqlite', path: ':memory:', synchronous: 'full' });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:///tmp/x.db' }).database, { kind: 'sqlite', path: '/tmp/x.db', synchronous: 'full' });
    assert.deepEqual(loadConfig({ DATA_DIR: '/var/lib/scimd' }).database, { kind: 'sqlite', path: '/var/lib/scimd/scimd.db', synchronous: 'full' });
  });

  it('fsyncs every SQLite commit unless SCIMD_SQLITE_SYNCHRONOUS=normal trades that for speed', () => {
    const normal = loadConfig({ SCIMD_SQLITE_SYNCHRONOUS: 'normal' });
    assert.deepEqual(storeConfigOf(normal), { url: 'data/scimd.db', sqliteSynchronous: 'normal' });
    assert.deepEqual(storeConfigOf(loadConfig({})), { url: 'data/scimd.db', sqliteSynchronous: 'full' });
    assert.deepEqual(storeConfigOf(loadConfig({ DATABASE_URL: 'postgres://h/db' })), { url: 'postgres://h/db', maxConnections: 10 });
    assert.throws(() => loadConfig({ SCIMD_SQLITE_SYNCHRONOUS: 'off' }), (e: unknown) => e instanceof ConfigError && /SCIMD_SQLITE_SYNCHRONOUS/.test(e.message));
  });

  it('lets overrides (CLI flags) win over the environment and treats empty values as unset', () => {
    const config = loadConfig({ PORT: '9000', HOST: '' }, { PORT: '9100' });
    assert.equal(config.port, 9100);
    assert.equal(config.host, '127.0.0.1');
  });

  it('strips a trailing slash from PUBLIC_URL', () => {
    assert.equal(loadConfig({ PUBLIC_URL: 'https://scim.example.com/' }).publicUrl, 'https://scim.example.com');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SCIMD_BOOTSTRAP_TOKEN: 'short', PUBLIC_URL: 'ftp://x' });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'CONFIG_INVALID');
    const text = error.problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'SCIMD_BOOTSTRAP_TOKEN', 'PUBLIC_URL']) {
      assert.match(text, new RegExp(name), `mentions ${name}`);
    }
    assert.equal(error.problems.length, 4);
  });

  it('checks settings that depend on each other', () => {
    assert.throws(
      () => loadConfig({ SCIMD_DEFAULT_PAGE_SIZE: '500', SCIMD_MAX_PAGE_SIZE: '100' }),
      (e: unknown) => e instanceof ConfigError && /SCIMD_DEFAULT_PAGE_SIZE/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ SCIMD_RATE_LIMIT_PER_SECOND: '1000', SCIMD_RATE_LIMIT_BURST: '10' }),
      (e: unknown) => e instanceof ConfigError && /BURST/.test(e.message),
    );
  });

  it('reads the proxy and API key settings, with a bounded lookup cache', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.trustProxy, false);
    assert.deepEqual(defaults.apiKeys, { cacheTtlMs: 2000, lastUsedFlushMs: 1000 });
    const set = loadConfig({ SCIMD_TRUST_PROXY: 'true', SCIMD_KEY_CACHE_TTL_MS: '0', SCIMD_KEY_LAST_USED_FLUSH_MS: '5000' });
    assert.equal(set.trustProxy, true);
    assert.deepEqual(set.apiKeys, { cacheTtlMs: 0, lastUsedFlushMs: 5000 });
    assert.throws(
      () => loadConfig({ SCIMD_TRUST_PROXY: 'yes', SCIMD_KEY_CACHE_TTL_MS: '60000' }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 2 && /SCIMD_TRUST_PROXY/.test(e.message) && /SCIMD_KEY_CACHE_TTL_MS/.test(e.message),
    );
  });

  it('keeps the revision history forever unless SCIMD_AUDIT_RETENTION_DAYS says otherwise', () => {
    assert.deepEqual(loadConfig({}).retention, { auditDays: undefined, activityDays: 30 });
    assert.deepEqual(loadConfig({ SCIMD_AUDIT_RETENTION_DAYS: '365', SCIMD_ACTIVITY_RETENTION_DAYS: '7' }).retention, { auditDays: 365, activityDays: 7 });
    assert.throws(
      () => loadConfig({ SCIMD_AUDIT_RETENTION_DAYS: '0', SCIMD_ACTIVITY_RETENTION_DAYS: 'week' }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 2 && /SCIMD_AUDIT_RETENTION_DAYS/.test(e.message) && /SCIMD_ACTIVITY_RETENTION_DAYS/.test(e.message),
    );
  });

  it('sends key reminders 30 days ahead from a worker running every minute, and keeps sessions 12 hours, unless told otherwise', () => {
    const defaults = loadConfig({});
    assert.deepEqual(defaults.reminders, { leadDays: 30, intervalMs: 60_000 });
    assert.equal(defaults.operatorSessionTtlHours, 12);
    const tuned = loadConfig({ SCIMD_KEY_REMINDER_DAYS: '14', SCIMD_WORKER_INTERVAL_MS: '5000', SCIMD_OPERATOR_SESSION_HOURS: '1' });
    assert.deepEqual([tuned.reminders.leadDays, tuned.reminders.intervalMs, tuned.operatorSessionTtlHours], [14, 5000, 1]);
    assert.throws(() => loadConfig({ SCIMD_KEY_REMINDER_DAYS: '0', SCIMD_WORKER_INTERVAL_MS: '10' }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.problems.map((p) => p.split(':')[0]), ['SCIMD_KEY_REMINDER_DAYS', 'SCIMD_WORKER_INTERVAL_MS']);
      return true;
    });
  });

  it('gives new organizations the rfc-open policies unless SCIMD_DEFAULT_POLICY_PRESET names another preset', () => {
    assert.equal(loadConfig({}).defaultPolicyPreset, 'rfc-open');
    assert.equal(loadConfig({ SCIMD_DEFAULT_POLICY_PRESET: 'email-identity' }).defaultPolicyPreset, 'email-identity');
    assert.throws(() => loadConfig({ SCIMD_DEFAULT_POLICY_PRESET: 'email' }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.problems, ['SCIMD_DEFAULT_POLICY_PRESET: must be one of rfc-open, email-identity']);
      return true;
    });
  });

  it('delivers webhooks on a worker thread unless SCIMD_WEBHOOK_DELIVERY says inline or false', () => {
    const mode = (value?: string) => loadConfig(value === undefined ? {} : { SCIMD_WEBHOOK_DELIVERY: value }).events.delivery;
    assert.equal(mode(), 'thread');
    assert.deepEqual(['thread', 'true', '1', 'inline', 'false', '0'].map(mode), ['thread', 'thread', 'thread', 'inline', 'off', 'off']);
    assert.throws(() => loadConfig({ SCIMD_WEBHOOK_DELIVERY: 'process' }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 1);
      assert.match(e.problems[0] ?? '', /^SCIMD_WEBHOOK_DELIVERY: .*thread.*inline.*false/);
      return true;
    });
  });
});
