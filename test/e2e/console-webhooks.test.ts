/**
 * The console's Webhooks page in headless Chromium against a real scimd and a real HTTP receiver
 * on 127.0.0.1: registering an endpoint (the secret shown once, then gone from the page and the
 * browser's storage), a user provisioned over SCIM arriving signed at the receiver and showing in
 * the delivery log, its attempt detail, a replay, rotating and deleting — by role and name, by
 * keyboard where it matters, axe-clean at 1280×800 and 390×844.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../events/receiver.ts';
import { browserSkipReason, screenshot, seriousViolations, signIn, startConsoleServer, type ConsoleServer } from './console-harness.ts';

const skip = browserSkipReason();

async function axeClean(page: Page, name: string): Promise<void> {
  await page.locator('.state[role=status]').first().waitFor({ state: 'detached' });
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
}

describe('the console Webhooks page', { skip }, () => {
  let s: ConsoleServer;
  let receiver: Receiver;
  let orgId = '';
  let scimKey = '';

  before(async () => {
    s = await startConsoleServer({ SCIMD_WEBHOOK_ALLOW_PRIVATE: 'true', SCIMD_EVENT_POLL_MS: '50' });
    receiver = await startReceiver(() => ({ status: 204 }));
    const token = await s.operatorToken();
    orgId = (await s.admin('POST', '/organizations', token, { name: 'Acme Corp' })).json.id;
    scimKey = (await s.admin('POST', `/organizations/${orgId}/keys`, token, { type: 'scim', description: 'Microsoft Entra ID' })).json.secret;
  });
  after(async () => {
    await receiver?.close();
    await s?.close();
  });

  it('registers an endpoint, shows the secret once, logs a SCIM provisioning delivery and replays it', async () => {
    const context = await s.context();
    const page = await context.newPage();
    await signIn(page, s.url, `/console/orgs/${orgId}/webhooks`);
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText('No endpoints yet').waitFor();
    await axeClean(page, 'webhooks empty');

    // Register: URL, two event types, a description.
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Webhooks' }).waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const form = page.getByRole('dialog', { name: 'Add endpoint' });
    await form.getByLabel('Endpoint URL').fill(receiver.url);
    await form.getByRole('checkbox', { name: 'scimd.user.created' }).check();
    await form.getByRole('checkbox', { name: 'scimd.user.deactivated' }).check();
    await form.getByLabel('Description (optional)').fill('Host app');
    await axeClean(page, 'add endpoint dialog');
    await screenshot(page, 'webhook-create');
    await form.getByRole('button', { name: 'Add endpoint' }).click();

    const shown = page.getByRole('dialog', { name: 'Copy the signing secret now' });
    await shown.waitFor();
    const secret = await shown.getByLabel('Signing secret').inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    // The keyboard starts on Copy.
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent ?? ""'), 'Copy');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), secret);
    await axeClean(page, 'secret dialog');
    await screenshot(page, 'webhook-secret');
    await shown.getByRole('button', { name: 'Got it' }).click();
    await shown.waitFor({ state: 'detached' }).catch(() => undefined);
    assert.equal((await page.content()).includes(secret), false, 'the secret is gone from the DOM');
    assert.equal(await page.evaluate<string>('JSON.stringify([Object.values(localStorage), Object.values(sessionStorage)])').then((v) => v.includes(secret)), false);

    const row = page.getByRole('row').filter({ hasText: receiver.url });
    await row.getByText('Enabled', { exact: true }).waitFor();
    await row.getByText('scimd.user.created, scimd.user.deactivated').waitFor();
    await axeClean(page, 'webhooks list');
    await screenshot(page, 'webhooks');

    // Provision a user over SCIM, as Entra would: the receiver gets it signed.
    const user = await s.scim('POST', '/Users', scimKey, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@acme.test', active: true });
    assert.equal(user.status, 201);
    await receiver.until((r) => r.length >= 1);
    const first = receiver.received[0]!;
    new Webhook(secret).verify(first.body, first.headers as Record<string, string>);
    assert.equal(first.event.type, 'scimd.user.created');

    // The delivery log shows it.
    await row.getByRole('link', { name: `Deliveries of ${receiver.url}` }).click();
    await page.getByRole('heading', { level: 1, name: receiver.url }).waitFor();
    const delivery = page.getByRole('row').filter({ hasText: 'scimd.user.created' });
    await delivery.getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 });
    await delivery.getByRole('cell', { name: '204' }).waitFor();
    await axeClean(page, 'delivery log');
    await screenshot(page, 'webhook-deliveries');

    // The attempt detail, closed with Escape.
    await delivery.getByRole('button', { name: /^Attempts of scimd\.user\.created/ }).click();
    const attempts = page.getByRole('dialog', { name: 'Delivery attempts' });
    await attempts.getByText('204').first().waitFor();
    await axeClean(page, 'attempts dialog');
    await screenshot(page, 'webhook-attempts');
    await page.keyboard.press('Escape');
    await attempts.waitFor({ state: 'hidden' });

    // Replay it: the same event id arrives again.
    await delivery.getByRole('button', { name: /^Replay scimd\.user\.created/ }).click();
    await page.getByText('Queued 1 delivery again.').waitFor();
    await receiver.until((r) => r.length >= 2);
    assert.equal(receiver.received[1]!.headers['webhook-id'], first.headers['webhook-id']);

    // A time range and all dead: dialogs that answer.
    await page.getByRole('button', { name: 'Replay a time range' }).click();
    const range = page.getByRole('dialog', { name: 'Replay a time range' });
    await range.getByLabel('From').fill('2020-01-01T00:00');
    await axeClean(page, 'range dialog');
    await range.getByRole('button', { name: 'Replay range' }).click();
    await page.getByText(/Queued 1 delivery again\./).waitFor();
    await receiver.until((r) => r.length >= 3);
    await context.close();
  });

  it('rotates the secret (both sign for a day) and deletes the endpoint after confirmation', async () => {
    const context = await s.context();
    const page = await context.newPage();
    await signIn(page, s.url, `/console/orgs/${orgId}/webhooks`);
    const row = page.getByRole('row').filter({ hasText: receiver.url });
    await row.getByRole('button', { name: `Rotate secret of ${receiver.url}` }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await rotate.getByText('24 hours').waitFor();
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    const shown = page.getByRole('dialog', { name: 'Copy the new signing secret now' });
    const secret = await shown.getByLabel('Signing secret').inputValue();
    assert.match(secret, /^whsec_/);
    await shown.getByRole('button', { name: 'Got it' }).click();
    assert.equal((await page.content()).includes(secret), false);

    // Edit: the description and the types (none: every type).
    await row.getByRole('button', { name: `Edit ${receiver.url}` }).click();
    const edit = page.getByRole('dialog', { name: 'Edit endpoint' });
    assert.equal(await edit.getByLabel('Endpoint URL').inputValue(), receiver.url);
    await edit.getByLabel('Description (optional)').fill('Host app (billing)');
    await edit.getByRole('checkbox', { name: 'scimd.user.created' }).uncheck();
    await edit.getByRole('checkbox', { name: 'scimd.user.deactivated' }).uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await row.getByText('Host app (billing)').waitFor();
    await row.getByRole('cell', { name: 'All', exact: true }).waitFor();

    // Disable, enable, then delete (Escape cancels the first try).
    await row.getByRole('button', { name: `Disable ${receiver.url}` }).click();
    await row.getByText('Disabled', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Enable ${receiver.url}` }).click();
    await row.getByText('Enabled', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this endpoint?' });
    await confirm.waitFor();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await row.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByText('No endpoints yet').waitFor();
    await context.close();
  });

  it('is usable and axe-clean on a 390×844 screen', async () => {
    const token = await s.operatorToken();
    await s.admin('POST', `/organizations/${orgId}/webhooks`, token, { url: receiver.url, description: 'Mobile check' });
    const context = await s.context({ width: 390, height: 844 });
    const page = await context.newPage();
    await signIn(page, s.url, `/console/orgs/${orgId}/webhooks`);
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Mobile check' }).waitFor();
    await axeClean(page, 'webhooks mobile');
    await screenshot(page, 'webhooks-mobile');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('dialog', { name: 'Add endpoint' }).getByLabel('Endpoint URL').waitFor();
    await axeClean(page, 'add endpoint mobile');
    await context.close();
  });
});
