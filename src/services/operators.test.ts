import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScimError } from '../core/scim-error.ts';
import type { SqlStore } from '../store/sql/sql-store.ts';
import { testDialects } from '../../test/store/harness.ts';
import { createOperatorService, operatorActor, SESSION_TOKEN_PREFIX, type OperatorService } from './operators.ts';

function rejectsWith(status: number, scimType: string | undefined, detail: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ScimError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.scimType, scimType);
    assert.match(error.detail, detail);
    return true;
  };
}

for (const dialect of await testDialects()) {
  describe(`operators on ${dialect.name}`, () => {
    let store: SqlStore;
    let operators: OperatorService;
    let now = Date.parse('2026-03-01T00:00:00.000Z');
    const clock = () => new Date(now);
    before(async () => {
      store = await dialect.open({ clock });
      operators = createOperatorService({ store, clock, sessionTtlMs: 60 * 60 * 1000 });
    });
    after(() => dialect.close(store));

    it('creates an operator whose password is stored only as an argon2id hash at the OWASP minimum parameters', async () => {
      const ada = await operators.create({ email: ' ada@vendor.test ', password: 'correct horse battery' });
      assert.equal(ada.email, 'ada@vendor.test');
      assert.equal('passwordHash' in ada, false, 'the hash never leaves the service');
      const stored = await store.operators.get(ada.id);
      assert.match(stored?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal(stored?.passwordHash.includes('correct horse'), false);
    });

    it('refuses a duplicate e-mail, a malformed e-mail and a short password', async () => {
      await assert.rejects(operators.create({ email: 'ADA@vendor.test', password: 'another long password' }), rejectsWith(409, 'uniqueness', /"ADA@vendor.test" already exists/));
      await assert.rejects(operators.create({ email: 'not-an-email', password: 'another long password' }), rejectsWith(400, 'invalidValue', /email "not-an-email" is not an e-mail address/));
      await assert.rejects(operators.create({ email: 'bob@vendor.test', password: 'short' }), rejectsWith(400, 'invalidValue', /at least 12 characters/));
      assert.deepEqual((await operators.list()).map((o) => o.email), ['ada@vendor.test']);
    });

    it('logs in with the right password into a session that authenticates until it expires', async () => {
      const login = await operators.login({ email: 'Ada@Vendor.test', password: 'correct horse battery' });
      assert.ok(login.token.startsWith(SESSION_TOKEN_PREFIX));
      assert.equal(login.expiresAt, '2026-03-01T01:00:00.000Z');
      assert.equal(login.operator.lastLoginAt, '2026-03-01T00:00:00.000Z');
      const principal = await operators.authenticate(login.token);
      assert.equal(principal?.email, 'ada@vendor.test');
      assert.deepEqual(operatorActor(principal!), { type: 'admin', id: login.operator.id, name: 'ada@vendor.test' });
      const stored = await store.operators.findSession(login.token);
      assert.equal(stored, undefined, 'the token itself is not what is stored');
      now += 60 * 60 * 1000;
      assert.equal(await operators.authenticate(login.token), undefined, 'expired');
      assert.equal(await operators.purgeExpiredSessions(), 0, 'expiry is exclusive: purged only after the instant');
      now += 1;
      assert.equal(await operators.purgeExpiredSessions(), 1);
    });

    it('ends a session on logout and ignores tokens that are not sessions', async () => {
      const login = await operators.login({ email: 'ada@vendor.test', password: 'correct horse battery' });
      const principal = await operators.authenticate(login.token);
      assert.ok(principal);
      await operators.logout(principal);
      assert.equal(await operators.authenticate(login.token), undefined);
      assert.equal(await operators.authenticate('scimd_12345678_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ'), undefined);
    });

    it('answers a wrong password and an unknown e-mail with the same 401', async () => {
      await assert.rejects(operators.login({ email: 'ada@vendor.test', password: 'wrong password!' }), rejectsWith(401, undefined, /^The e-mail address or the password is wrong$/));
      await assert.rejects(operators.login({ email: 'nobody@vendor.test', password: 'correct horse battery' }), rejectsWith(401, undefined, /^The e-mail address or the password is wrong$/));
      await assert.rejects(operators.login({ email: 42, password: null }), rejectsWith(401, undefined, /wrong/));
    });

    it('refuses logins for an e-mail after ten failures in fifteen minutes, then allows them again', async () => {
      await operators.create({ email: 'eve@vendor.test', password: 'eve has a long password' });
      for (let i = 0; i < 10; i += 1) await assert.rejects(operators.login({ email: 'eve@vendor.test', password: `guess number ${i}` }));
      await assert.rejects(operators.login({ email: 'eve@vendor.test', password: 'eve has a long password' }), rejectsWith(429, undefined, /Too many failed logins/));
      now += 15 * 60 * 1000 + 1;
      const login = await operators.login({ email: 'eve@vendor.test', password: 'eve has a long password' });
      assert.ok(login.token);
    });
  });
}
