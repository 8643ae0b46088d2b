/**
 * The admin console in a real headless Chromium against a real scimd on 127.0.0.1: an admin's
 * first ten minutes (sign in → organization → SCIM on → a key → provisioning with it → revoke →
 * SCIM off), a customer admin's setup link on a phone-sized screen, an ended session, and
 * generating a key with the keyboard alone. Controls are found by role and accessible name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkipReason, signIn, startConsoleServer, type ConsoleServer } from './console-harness.ts';

const skip = browserSkipReason();

const USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'bjensen@acme.test',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: 'bjensen@acme.test', type: 'work', primary: true }],
  userType: 'Editor',
  externalId: 'entra-0001',
  active: true,
};

async function orgIdOf(page: Page): Promise<string> {
  const match = /\/console\/orgs\/([^/]+)/.exec(new URL(page.url()).pathname);
  assert.ok(match, `not on an organization page: ${page.url()}`);
  return decodeURIComponent(match[1]!);
}

async function openNav(page: Page, name: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe('the admin console in Chromium', { skip }, () => {
  let s: ConsoleServer;
  before(async () => {
    s = await startConsoleServer();
  });
  after(() => s?.close());

  it('takes an operator from sign-in to a provisioned user, a revoked key and SCIM turned off', async () => {
    const context = await s.context();
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    await signIn(page, s.url);

    // Organizations: create one, find it by search, open it.
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('dialog', { name: 'Create organization' }).getByLabel('Name').fill('Acme Corp');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('navigation', { name: 'Organization' }).getByText('Acme Corp').waitFor();
    await page.getByRole('link', { name: '← All organizations' }).click();
    await page.getByLabel('Search organizations').fill('acme');
    await page.getByRole('link', { name: 'Acme Corp' }).click();
    const orgId = await orgIdOf(page);

    // Settings → Security: SCIM is on; turning it off asks first and names the 403.
    await openNav(page, 'Settings → Security');
    const scim = page.getByRole('switch', { name: 'SCIM' });
    assert.equal(await scim.getAttribute('aria-checked'), 'true');
    await scim.click();
    const confirm = page.getByRole('dialog', { name: 'Turn off SCIM provisioning?' });
    assert.match(await confirm.innerText(), /403 Forbidden/);
    await confirm.getByRole('button', { name: 'Turn off SCIM' }).click();
    await page.locator('[role=switch][aria-checked="false"]').waitFor();
    await scim.click();
    await page.locator('[role=switch][aria-checked="true"]').waitFor();

    // API Access: generate a SCIM key with an expiry and a description.
    await openNav(page, 'API Access');
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate API Key' });
    await dialog.getByRole('radio', { name: 'SCIM' }).check();
    const expires = dialog.getByLabel('Expiration date');
    const inAYear = new Date();
    inAYear.setFullYear(inAYear.getFullYear() + 1);
    assert.equal(await expires.inputValue(), inAYear.toISOString().slice(0, 10), 'pre-filled one year ahead');
    await expires.fill('');
    await dialog.getByText('Without an expiration date').waitFor();
    await expires.fill(inAYear.toISOString().slice(0, 10));
    await dialog.getByLabel('Description').fill('Entra ID production');
    await dialog.getByRole('button', { name: 'Generate key' }).click();

    // The secret, once: copy it, then "Got it" removes it from the page and storage.
    const shown = page.getByRole('dialog', { name: 'Copy your key now' });
    await shown.getByText('will become unavailable').waitFor();
    const secret = await shown.getByLabel('Secret Token').inputValue();
    assert.match(secret, /^scimd_/);
    await shown.getByRole('button', { name: 'Copy', exact: true }).click();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), secret);
    await shown.getByRole('button', { name: 'Got it' }).click();
    await shown.waitFor({ state: 'hidden' });
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the DOM');
    const stored = await page.evaluate<string>('JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })');
    assert.ok(!stored.includes(secret), 'the secret is in no storage');
    await page.getByRole('cell', { name: 'Entra ID production', exact: true }).waitFor();
    await page.getByText('Active', { exact: true }).first().waitFor();

    // The identity provider provisions a user with that secret.
    const created = await s.scim('POST', '/Users', secret, USER);
    assert.equal(created.status, 201, JSON.stringify(created.json));

    // Users shows the user with its role; the user page has the attributes and the history.
    await openNav(page, 'Users');
    const row = page.getByRole('row').filter({ hasText: USER.userName });
    await row.waitFor();
    assert.match(await row.innerText(), /Barbara Jensen\s+Editor\s+Active/);
    await page.getByLabel('Search by').selectOption('externalId');
    await page.getByLabel('Search users').fill('entra-0001');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('1 user matches').waitFor();
    await page.getByRole('link', { name: USER.userName }).click();
    await page.getByRole('heading', { level: 1, name: USER.userName }).waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.getByRole('cell', { name: /SCIM System User/ }).first().waitFor();

    // Revision history names the identity provider's writes "SCIM System User"; the CSV export downloads them.
    await openNav(page, 'Revision history');
    await page.getByRole('cell', { name: /^SCIM System User/ }).first().waitFor();
    await page.getByLabel('Actor type').selectOption('scim');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('cell', { name: 'user.created' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    assert.equal(csv[0], 'occurredAt,actorType,actorId,actorName,action,resourceType,resourceId,requestId,sourceIp,changes');
    assert.equal(csv.length, 2, 'the header and the one SCIM event the filter selects');
    assert.match(csv[1] ?? '', /SCIM System User.*user\.created.*bjensen@acme\.test/);

    // Revoke the key: SCIM answers 401 from the next request.
    await openNav(page, 'API Access');
    await page.getByRole('button', { name: 'Revoke Entra ID production' }).click();
    await page.getByRole('dialog', { name: /Revoke/ }).getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('Revoked', { exact: true }).waitFor();
    assert.equal((await s.scim('GET', '/Users', secret)).status, 401);

    // SCIM off: a valid key now gets 403.
    const second = await s.admin('POST', `/organizations/${orgId}/keys`, await s.operatorToken(), { type: 'scim', description: 'Okta' });
    assert.equal((await s.scim('GET', '/Users', second.json.secret)).status, 200);
    await openNav(page, 'Settings → Security');
    await page.getByRole('switch', { name: 'SCIM' }).click();
    await page.getByRole('button', { name: 'Turn off SCIM' }).click();
    await page.locator('[role=switch][aria-checked="false"]').waitFor();
    assert.equal((await s.scim('GET', '/Users', second.json.secret)).status, 403);

    assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no errors in the browser console (CSP included)');
    await context.close();
  });

  it('loads a deep link directly and comes back to sign-in with the reason when the session ends', async () => {
    const context = await s.context();
    const page = await context.newPage();
    const org = await s.admin('POST', '/organizations', await s.operatorToken(), { name: 'Deep Link Inc' });
    await signIn(page, s.url, `/console/orgs/${org.json.id}/api-access`);
    await page.getByRole('heading', { level: 1, name: 'API Access' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/console/orgs/${org.json.id}/api-access`);

    // The session ends elsewhere (signed out in another tab, or expired): the next call says so.
    const cookie = (await context.cookies()).find((c) => c.name === 'scimd_session');
    assert.ok(cookie);
    assert.equal((await s.admin('DELETE', '/session', cookie.value)).status, 204);
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings → Security' }).click();
    await page.getByRole('alert').filter({ hasText: 'session has expired or was ended' }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('signs a customer admin in with a setup link at 390×844, in their organization only', async () => {
    const token = await s.operatorToken();
    const mine = await s.admin('POST', '/organizations', token, { name: 'Globex' });
    const other = await s.admin('POST', '/organizations', token, { name: 'Initech' });
    const link = await s.admin('POST', `/organizations/${mine.json.id}/setup-links`, token, { expiresIn: '1d' });
    assert.equal(link.status, 201);
    const context = await s.context({ width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto(link.json.url);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    assert.equal(await orgIdOf(page), mine.json.id);
    assert.ok(!page.url().includes('#'), 'the token is removed from the address bar');
    assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('scimd.setupToken')"), link.json.token);

    // The menu button opens the navigation on a small screen; no operator pages are offered.
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.ok(await menu.isVisible());
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await openNav(page, 'API Access');
    await page.getByRole('button', { name: 'Generate API Key' }).waitFor();
    assert.equal(await page.getByRole('link', { name: '← All organizations' }).count(), 0);

    // Another organization's id is simply not found.
    await page.goto(`${s.url}/console/orgs/${other.json.id}/settings/security`);
    await page.getByText(`Organization "${other.json.id}" not found`).waitFor();

    // The operator revokes the link: the next load says why and shows the sign-in page.
    await s.admin('DELETE', `/organizations/${mine.json.id}/setup-links/${link.json.link.id}`, token);
    await page.goto(`${s.url}/console/orgs/${mine.json.id}`);
    await page.getByRole('alert').filter({ hasText: 'setup link has been revoked' }).waitFor();
    assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('scimd.setupToken')"), null);
    await context.close();
  });

  it('generates a key with the keyboard alone', async () => {
    const org = await s.admin('POST', '/organizations', await s.operatorToken(), { name: 'Keyboard Ltd' });
    const context = await s.context();
    const page = await context.newPage();
    await signIn(page, s.url, `/console/orgs/${org.json.id}/api-access`);
    await page.getByRole('heading', { level: 1, name: 'API Access' }).waitFor();
    const press = (key: string) => page.keyboard.press(key);
    // What has the focus, as "TAG role text #id" (text for buttons and links only).
    const focused = () =>
      page.evaluate<string>(`(() => {
        const el = document.activeElement;
        if (el === null || el === document.body) return 'BODY';
        const text = el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent.trim() : '';
        return el.tagName + ' ' + (el.getAttribute('role') ?? '') + ' ' + text + ' #' + el.id;
      })()`);
    for (let i = 0; i < 40 && !/BUTTON.*Generate API Key/.test(await focused()); i++) await press('Tab');
    assert.match(await focused(), /BUTTON.*Generate API Key/);
    await press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Generate API Key' });
    await dialog.waitFor();
    assert.match(await focused(), /key-type-scim/, 'focus starts on the type inside the dialog');
    // Escape closes the dialog and returns focus to the button that opened it.
    await press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.match(await focused(), /BUTTON.*Generate API Key/);
    await press('Enter');
    await dialog.waitFor();
    // Type → Expiration date → Description, then submit with Enter.
    await press('Tab');
    assert.match(await focused(), /key-expires/);
    // A date field takes a Tab per part (month, day, year) before the next field.
    for (let i = 0; i < 6 && !(await focused()).includes('key-description'); i++) await press('Tab');
    assert.match(await focused(), /key-description/);
    await page.keyboard.type('Keyboard only');
    await press('Enter');
    const shown = page.getByRole('dialog', { name: 'Copy your key now' });
    await shown.waitFor();
    assert.match(await focused(), /BUTTON.*Copy/, 'focus moves to the copy button');
    await press('Enter');
    for (let i = 0; i < 6 && !/BUTTON.*Got it/.test(await focused()); i++) await press('Tab');
    assert.match(await focused(), /BUTTON.*Got it/);
    await press('Enter');
    await shown.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: 'Keyboard only', exact: true }).waitFor();
    const keys = await s.admin('GET', `/organizations/${org.json.id}/keys`, await s.operatorToken());
    assert.deepEqual(keys.json.items.map((k: { description: string; type: string }) => [k.description, k.type]), [['Keyboard only', 'scim']]);
    await context.close();
  });

  it('serves the console with its security headers', async () => {
    const response = await fetch(`${s.url}/console/orgs/x/users/y`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('Content-Security-Policy') ?? '', /default-src 'self'/);
    const html = await response.text();
    assert.doesNotMatch(html, /<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const asset = /\/console\/assets\/[^"]+\.js/.exec(html)?.[0];
    assert.ok(asset);
    const js = await fetch(`${s.url}${asset}`);
    assert.equal(js.headers.get('Cache-Control'), 'public, max-age=31536000, immutable');
    assert.ok(readFileSync(new URL('../../console/dist/index.html', import.meta.url), 'utf8').includes(asset));
  });
});
