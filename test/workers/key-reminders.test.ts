import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createApiKeyService } from '../../src/services/api-keys.ts';
import { createKeyReminderService, KEY_EXPIRED, KEY_EXPIRING } from '../../src/services/key-reminders.ts';
import { createMailService } from '../../src/services/mail.ts';
import { createOrganizationService, SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import type { MailLogRecord } from '../../src/store/records.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createReminderWorker } from '../../src/workers/key-reminder-worker.ts';
import { sql } from 'kysely';
import { createPostgresStore } from '../../src/store/postgres/store.ts';
import { POSTGRES_ADMIN_URL, testDialects } from '../store/harness.ts';
import { startSmtpServer, type TestSmtpServer } from './smtp.ts';

const DAY = 86_400_000;

for (const dialect of await testDialects()) {
  describe(`key-expiry reminders on ${dialect.name}`, () => {
    let smtp: TestSmtpServer;
    let store: SqlStore;
    let now: number;
    let orgId: string;
    const clock = () => new Date(now);
    const logged: MailLogRecord[] = [];

    /** A worker as one scimd instance would build it (SMTP unless told otherwise). */
    function instance(options: { smtp?: boolean; workerId?: string } = {}) {
      const mail = createMailService({ store, from: 'scimd <scimd@vendor.test>', transport: options.smtp === false ? undefined : smtp.transport(), onMail: (m) => logged.push(m) });
      const reminders = createKeyReminderService({ store, mail, clock });
      return createReminderWorker({ store, reminders, clock, workerId: options.workerId ?? 'w1' });
    }

    async function newKey(description: string, expires: string | null, org = orgId) {
      const keys = createApiKeyService({ store, clock, flushIntervalMs: 0 });
      const created = await keys.create({ orgId: org, actor: SYSTEM_ACTOR }, { type: 'scim', description, expiresAt: expires });
      return created.key;
    }

    async function newOrg(name: string, emails: string[]) {
      const org = await createOrganizationService({ store, clock }).create(SYSTEM_ACTOR, { name });
      await store.organizations.update(org.id, { settings: { ...org.settings, notificationEmails: emails } });
      return org.id;
    }

    before(async () => {
      smtp = await startSmtpServer();
    });
    after(() => smtp.close());
    beforeEach(async () => {
      now = Date.parse('2026-03-01T00:00:00.000Z');
      store = await dialect.open({ clock });
      orgId = await newOrg('Acme', ['it@acme.test', 'security@acme.test']);
      smtp.received.length = 0;
      logged.length = 0;
    });
    afterEach(() => dialect.close(store));

    it('mails the notification addresses once a month before a key expires and once more when it has expired, across restarts', async () => {
      const key = await newKey('Entra ID', '2026-06-30');
      assert.equal((await instance().runOnce()).scheduled, 0, 'four months ahead: nothing yet');
      now = Date.parse('2026-06-01T00:00:00.000Z');
      const first = await instance().runOnce();
      assert.deepEqual(first, { scheduled: 1, completed: 1, failed: 0 });
      assert.equal(smtp.received.length, 1);
      const mail = smtp.received[0]!;
      assert.equal(mail.from, 'scimd@vendor.test');
      assert.deepEqual(mail.to, ['it@acme.test', 'security@acme.test']);
      assert.equal(mail.subject, '[scimd] The key "Entra ID" of Acme expires on 2026-06-30');
      assert.match(mail.text, /The API key "Entra ID" \(scimd_[0-9a-f]{8}…, type SCIM\) of the organization Acme \([-0-9a-f]{36}\) expires on 2026-06-30T23:59:59\.999Z, in 30 day\(s\)/);
      for (let restart = 0; restart < 3; restart += 1) {
        now += DAY;
        assert.deepEqual(await instance({ workerId: `w${restart + 2}` }).runOnce(), { scheduled: 0, completed: 0, failed: 0 });
      }
      assert.equal(smtp.received.length, 1, 'no second "expiring" mail after restarts');
      now = Date.parse('2026-07-01T00:00:00.000Z');
      assert.deepEqual(await instance().runOnce(), { scheduled: 1, completed: 1, failed: 0 });
      await instance().runOnce();
      assert.deepEqual(smtp.received.map((m) => m.subject), [
        '[scimd] The key "Entra ID" of Acme expires on 2026-06-30',
        '[scimd] The key "Entra ID" of Acme has expired',
      ]);
      const events = await store.outboxEvents.list(orgId, { limit: 100 });
      assert.deepEqual(events.filter((e) => e.type.startsWith('scimd.key.exp')).map((e) => [e.type, e.resourceId]), [['scimd.key.expiring', key.id], ['scimd.key.expired', key.id]]);
      assert.deepEqual(logged.map((m) => [m.kind, m.status, m.transport]), [[KEY_EXPIRING, 'sent', 'smtp'], [KEY_EXPIRED, 'sent', 'smtp']]);
      assert.ok(logged.every((m) => m.messageId !== null));
    });

    it('records mails in the mail log and nowhere else when no SMTP server is configured', async () => {
      await newKey('Okta', '2026-03-20');
      await instance({ smtp: false }).runOnce();
      assert.equal(smtp.received.length, 0);
      const log = await store.mailLog.list(orgId, { limit: 10 });
      assert.deepEqual(log.map((m) => [m.kind, m.status, m.transport, m.recipients]), [[KEY_EXPIRING, 'logged', 'log', ['it@acme.test', 'security@acme.test']]]);
      assert.match(log[0]!.body, /The API key "Okta" \(scimd_[0-9a-f]{8}…, type SCIM\) of the organization Acme/);
      assert.equal(logged.length, 1, 'reported for the server log');
    });

    it('retries a failed SMTP delivery after a minute and then sends it exactly once', async () => {
      await newKey('Entra', '2026-03-10');
      smtp.failNext(1);
      assert.deepEqual(await instance().runOnce(), { scheduled: 1, completed: 0, failed: 1 });
      assert.deepEqual(await instance().runOnce(), { scheduled: 0, completed: 0, failed: 0 }, 'not before the retry time');
      now += 60_000;
      assert.deepEqual(await instance().runOnce(), { scheduled: 0, completed: 1, failed: 0 });
      assert.equal(smtp.received.length, 1);
      assert.deepEqual(logged.map((m) => m.status), ['failed', 'sent']);
      assert.match(logged[0]!.error ?? '', /451|temporarily unavailable/i);
    });

    it('sends nothing for revoked keys or keys without expiry, and logs a skipped mail when there are no addresses', async () => {
      const revoked = await newKey('Old', '2026-03-05');
      await createApiKeyService({ store, clock, flushIntervalMs: 0 }).revoke({ orgId, actor: SYSTEM_ACTOR }, revoked.id);
      await newKey('Forever', null);
      const quiet = await newOrg('Quiet', []);
      await newKey('Quiet key', '2026-03-05', quiet);
      now = Date.parse('2026-04-01T00:00:00.000Z');
      await instance().runOnce();
      assert.equal(smtp.received.length, 0);
      assert.deepEqual((await store.mailLog.list(quiet, { limit: 10 })).map((m) => [m.kind, m.status, m.error]), [
        [KEY_EXPIRED, 'skipped', 'the organization has no notification addresses'],
      ], 'the key expired before any sweep: only the "expired" reminder, recorded as skipped');
      assert.deepEqual(await store.mailLog.list(orgId, { limit: 10 }), []);
    });

    it('schedules every due key in batches, skipping the ones already scheduled', async () => {
      for (let i = 0; i < 5; i += 1) await newKey(`batch ${i}`, '2026-03-15');
      const mail = createMailService({ store, from: 'scimd@vendor.test' });
      const reminders = createKeyReminderService({ store, mail, clock });
      assert.deepEqual(await reminders.schedule(2), { expiring: 5, expired: 0 });
      assert.deepEqual(await reminders.schedule(2), { expiring: 0, expired: 0 });
      assert.deepEqual(await reminders.schedule(2, 1), { expiring: 0, expired: 0 });
    });

    it('does not mail a reminder for a key revoked after the reminder was scheduled', async () => {
      const key = await newKey('Entra', '2026-03-10');
      const mail = createMailService({ store, from: 'scimd@vendor.test', transport: smtp.transport() });
      const reminders = createKeyReminderService({ store, mail, clock });
      assert.deepEqual(await reminders.schedule(), { expiring: 1, expired: 0 });
      await createApiKeyService({ store, clock, flushIntervalMs: 0 }).revoke({ orgId, actor: SYSTEM_ACTOR }, key.id);
      const [job] = await store.jobs.lease('w1', { kinds: [KEY_EXPIRING], limit: 1, leaseMs: 60_000 });
      assert.deepEqual(await reminders.deliver(job!), { status: 'obsolete', reason: 'the key has been revoked' });
      assert.equal(smtp.received.length, 0);
    });

    if (dialect.name === 'postgres') {
      it('sends every mail exactly once when two instances run their workers at the same time', async () => {
        const other = await newOrg('Globex', ['ops@globex.test']);
        for (let i = 0; i < 12; i += 1) await newKey(`key ${i}`, `2026-03-${String(10 + i).padStart(2, '0')}`, i % 2 === 0 ? orgId : other);
        // A second instance: its own connection pool on the same database.
        const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(store.kysely);
        const url = new URL(POSTGRES_ADMIN_URL);
        url.pathname = `/${rows[0]!.name}`;
        const second = createPostgresStore({ connectionString: url.toString(), maxConnections: 4, clock });
        const run = (instanceStore: SqlStore, id: string) => {
          const mail = createMailService({ store: instanceStore, from: 'scimd@vendor.test', transport: smtp.transport() });
          const reminders = createKeyReminderService({ store: instanceStore, mail, clock });
          return createReminderWorker({ store: instanceStore, reminders, clock, workerId: id }).runOnce();
        };
        try {
          const firstRound = await Promise.all([run(store, 'a'), run(second, 'b')]);
          assert.equal(firstRound[0].completed + firstRound[1].completed, 12);
          now = Date.parse('2026-04-01T00:00:00.000Z');
          await Promise.all([run(store, 'a'), run(second, 'b'), run(second, 'c')]);
        } finally {
          await second.close();
        }
        const subjects = smtp.received.map((m) => m.subject);
        assert.equal(subjects.length, 24);
        assert.equal(new Set(subjects).size, 24, 'no mail twice');
        const jobs = await store.kysely.selectFrom('jobs').select(['status', 'leased_by']).execute();
        assert.equal(jobs.length, 24);
        assert.ok(jobs.every((j) => j.status === 'done'));
      });
    }
  });
}
