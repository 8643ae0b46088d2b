import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { createApiKeyService } from '../../src/services/api-keys.ts';
import { createOperatorService } from '../../src/services/operators.ts';
import { createOrganizationService, SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';
import { startSmtpServer, type TestSmtpServer } from './smtp.ts';
import { testLogger } from '../log-capture.ts';

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('scimd serve with SMTP configured', () => {
  let dir: string;
  let smtp: TestSmtpServer;
  let runtime: Runtime;
  let orgId: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-reminders-'));
    smtp = await startSmtpServer();
    const path = join(dir, 'scimd.db');
    const store = createSqliteStore({ path });
    await migrateToLatest(store);
    const org = await createOrganizationService({ store }).create(SYSTEM_ACTOR, { name: 'Acme' });
    orgId = org.id;
    await store.organizations.update(org.id, { settings: { ...org.settings, notificationEmails: ['it@acme.test'] } });
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    await createApiKeyService({ store, flushIntervalMs: 0 }).create({ orgId: org.id, actor: SYSTEM_ACTOR }, { type: 'scim', description: 'Entra', expiresAt: soon });
    await createOperatorService({ store }).create({ email: 'ops@vendor.test', password: 'a long operator password' });
    await store.close();
    const config = loadConfig({ DATABASE_URL: `sqlite:${path}`, PORT: '0', SMTP_URL: `${smtp.url}?ignoreTLS=true`, MAIL_FROM: 'scimd@vendor.test', SCIMD_WORKER_INTERVAL_MS: '1000' });
    runtime = await startRuntime(config, { logger: testLogger('runtime') });
  });
  after(async () => {
    await runtime?.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mails the reminder for a key expiring within a month as soon as it starts, and shows it in the mail log', async () => {
    await until(() => smtp.received.length === 1);
    assert.equal(smtp.received[0]?.subject.startsWith('[scimd] The key "Entra" of Acme expires on '), true);
    assert.deepEqual(smtp.received[0]?.to, ['it@acme.test']);
    const login = await fetch(`${runtime.url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'ops@vendor.test', password: 'a long operator password' }) });
    assert.equal(login.status, 201);
    const { token } = (await login.json()) as { token: string };
    const mail = await fetch(`${runtime.url}/api/v1/organizations/${orgId}/mail`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await mail.json()) as { items: { status: string; transport: string }[] };
    assert.deepEqual(body.items.map((m) => [m.status, m.transport]), [['sent', 'smtp']]);
  });

  it('sends nothing more on later runs', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(smtp.received.length, 1);
  });
});
