/**
 * Settings → Schemas, extension attributes on a user's page and the policy presets, in headless
 * Chromium against a real scimd: an operator registers an extension schema (the server's
 * validation error names the field), the identity provider provisions a user with it over SCIM,
 * the user's page shows the values under the schema's name, the schema is replaced, its removal is
 * refused while in use and then forced by typing the URN; a preset is applied after the page lists
 * what it changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkipReason, signIn, startConsoleServer, type ConsoleServer } from './console-harness.ts';

const skip = browserSkipReason();
const URN = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const definition = (type: string) =>
  JSON.stringify({ name: 'CustomExtensionName', description: 'Entra custom attributes', attributes: [{ name: 'costCenter', type }, { name: 'badge', type: 'integer' }] }, null, 2);

describe('the console: extension schemas, extension attributes and policy presets', { skip }, () => {
  let s: ConsoleServer;
  let orgId = '';
  let scimKey = '';
  const errors: string[] = [];

  before(async () => {
    s = await startConsoleServer();
    const token = await s.operatorToken();
    orgId = (await s.admin('POST', '/organizations', token, { name: 'Contoso' })).json.id;
    scimKey = (await s.admin('POST', `/organizations/${orgId}/keys`, token, { type: 'scim', description: 'Microsoft Entra ID' })).json.secret;
  });
  after(() => s?.close());

  async function open(path: string): Promise<Page> {
    const context = await s.context();
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40\d/.test(message.text())) errors.push(message.text());
    });
    await signIn(page, s.url, `/console/orgs/${orgId}${path}`);
    return page;
  }

  it('registers, shows, replaces and force-removes an extension schema, with its values on the user page', async () => {
    const page = await open('/connect');
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Settings → Schemas' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings → Schemas' }).waitFor();
    await page.getByText('No extension schemas yet.').waitFor();

    // Add: a definition that is not JSON is caught in the page; a wrong type is the server's 400, naming the field.
    await page.getByRole('button', { name: 'Add schema' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add schema' });
    await dialog.getByLabel('Schema URN').fill(URN);
    await dialog.getByLabel('Definition').fill('{ "attributes": [ ');
    await dialog.getByRole('button', { name: 'Add schema' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The definition is not valid JSON' }).waitFor();
    await dialog.getByLabel('Definition').fill(definition('float'));
    await dialog.getByRole('button', { name: 'Add schema' }).click();
    const refusal = dialog.getByRole('alert').filter({ hasText: 'The server refused the schema' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /attributes\[0\]\.type must be one of .*"float"/);
    await dialog.getByText('Field: attributes[0].type').waitFor();
    assert.equal(await dialog.getByLabel('Definition').getAttribute('aria-invalid'), 'true');
    await dialog.getByLabel('Definition').fill(definition('string'));
    await dialog.getByRole('button', { name: 'Add schema' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: new RegExp(URN) });
    await row.waitFor();
    assert.deepEqual(
      (await row.getByRole('cell').allInnerTexts()).slice(0, 6).map((t) => t.trim()),
      [URN, 'CustomExtensionName', 'User', 'Optional', '2', '1'],
    );

    // The identity provider sends a user with the extension (and the enterprise one); the user's page shows both, by name.
    const user = await s.scim('POST', '/Users', scimKey, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName: 'bjensen@contoso.test',
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Finance', manager: { value: 'boss-1', displayName: 'Kim Boss' } },
      [URN]: { costCenter: 'CC-100', badge: 42 },
    });
    assert.equal(user.status, 201, JSON.stringify(user.json));
    await page.goto(`${s.url}/console/orgs/${orgId}/users/${user.json.id}`);
    const custom = page.getByRole('region', { name: 'CustomExtensionName' });
    await custom.waitFor();
    assert.match(await custom.innerText(), /costCenter\s+CC-100/);
    assert.match(await custom.innerText(), /badge\s+42/);
    const enterprise = page.getByRole('region', { name: 'Enterprise User' });
    assert.match(await enterprise.innerText(), /department\s+Finance/);
    assert.match(await enterprise.innerText(), /manager\s+value\s+boss-1/, 'a complex value as nested terms');

    // The Users list can show an extension attribute as an extra column.
    await page.goto(`${s.url}/console/orgs/${orgId}/users`);
    await page.getByLabel('Extra column').selectOption({ label: 'costCenter (CustomExtensionName)' });
    await page.getByRole('columnheader', { name: 'costCenter' }).waitFor();
    await page.getByRole('row', { name: /bjensen@contoso\.test/ }).getByRole('cell', { name: 'CC-100' }).waitFor();
    await page.getByLabel('Extra column').selectOption({ label: 'department (Enterprise User)' });
    await page.getByRole('row', { name: /bjensen@contoso\.test/ }).getByRole('cell', { name: 'Finance' }).waitFor();

    // Replace: required from now on, version 2.
    await page.goto(`${s.url}/console/orgs/${orgId}/settings/schemas`);
    await page.getByRole('button', { name: 'Edit CustomExtensionName' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit CustomExtensionName' });
    assert.equal(await edit.getByLabel('Schema URN').getAttribute('readonly'), '');
    await edit.getByLabel('Required').check();
    await edit.getByRole('button', { name: 'Save schema' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: /Required/ }).getByRole('cell', { name: '2', exact: true }).first().waitFor();

    // Remove: refused while the user holds data, then forced after typing the URN.
    await page.getByRole('button', { name: 'Remove CustomExtensionName' }).click();
    const ask = page.getByRole('dialog', { name: 'Remove the schema CustomExtensionName?' });
    await ask.getByRole('button', { name: 'Remove schema' }).click();
    const inUse = page.getByRole('dialog', { name: 'CustomExtensionName is in use' });
    await inUse.getByRole('alert').filter({ hasText: '1 user(s) hold data' }).waitFor();
    const force = inUse.getByRole('button', { name: 'Remove schema and data' });
    assert.equal(await force.isDisabled(), true, 'disabled until the URN is typed');
    await inUse.getByLabel('Type the URN to confirm').fill(URN.slice(0, -1));
    assert.equal(await force.isDisabled(), true);
    await inUse.getByLabel('Type the URN to confirm').fill(URN);
    await force.click();
    await page.getByRole('status').filter({ hasText: 'its data was deleted from 1 resource(s)' }).waitFor();
    await page.getByText('No extension schemas yet.').waitFor();
    const after = await s.scim('GET', `/Users/${user.json.id}`, scimKey);
    assert.equal(after.json[URN], undefined, 'the forced removal deleted the data');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('adds a schema with the keyboard alone; Escape closes the dialog and returns the focus', async () => {
    const page = await open('/settings/schemas');
    await page.getByRole('button', { name: 'Add schema' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add schema' });
    await dialog.waitFor();
    assert.equal(await page.evaluate<string>('document.activeElement.id'), 'schema-urn', 'the URN field has the focus');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate<string>('document.activeElement.textContent'), 'Add schema');
    await page.keyboard.press('Enter');
    await page.keyboard.type('urn:example:params:scim:schemas:extension:contoso:2.0:Group');
    await page.keyboard.press('Tab'); // Resource type
    await page.keyboard.press('ArrowDown'); // User → Group
    await page.keyboard.press('Tab'); // Required
    await page.keyboard.press('Tab'); // Definition
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('{"name":"ContosoGroup","attributes":[{"name":"region"}]}');
    await page.keyboard.press('Tab'); // Cancel
    await page.keyboard.press('Tab'); // Add schema
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: /ContosoGroup/ }).getByRole('cell', { name: 'Group', exact: true }).waitFor();
    await page.context().close();
  });

  it('hides Settings → Schemas from a setup link, whose scopes do not include schemas:read', async () => {
    const token = await s.operatorToken();
    const link = await s.admin('POST', `/organizations/${orgId}/setup-links`, token, { expiresIn: '1d' });
    const context = await s.context();
    const page = await context.newPage();
    await page.goto(link.json.url);
    const nav = page.getByRole('navigation', { name: 'Organization' });
    await nav.getByRole('link', { name: 'Connect' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Settings → Schemas' }).count(), 0);
    await page.goto(`${s.url}/console/orgs/${orgId}/settings/schemas`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await context.close();
  });

  it('applies a policy preset after listing what it changes', async () => {
    const page = await open('/settings/security');
    const rfc = page.getByRole('radio', { name: 'rfc-open' });
    await rfc.waitFor();
    assert.equal(await rfc.isChecked(), true, 'a new organization matches rfc-open');
    assert.equal(await page.getByRole('button', { name: 'Apply preset' }).isDisabled(), true, 'nothing to apply');
    await page.getByRole('radio', { name: 'email-identity' }).check();
    await page.getByRole('button', { name: 'Apply preset' }).click();
    const confirm = page.getByRole('dialog', { name: 'Apply the preset email-identity?' });
    const listed = await confirm.getByRole('listitem').allInnerTexts();
    assert.deepEqual(listed, [
      'userName must be an e-mail address: Off → On',
      'userName cannot change: Off → On',
      'displayName built from the name: Off → On',
      'userType must name a role: Off → On',
    ]);
    await confirm.getByRole('button', { name: 'Apply preset' }).click();
    await page.getByRole('status').filter({ hasText: 'Preset email-identity applied.' }).waitFor();
    assert.equal(await page.getByLabel('userName must be an e-mail address').isChecked(), true, 'the form shows the new policies');
    const policies = await s.admin('GET', `/organizations/${orgId}/policies`, await s.operatorToken());
    assert.equal(policies.json.userNameMustBeEmail, true);
    assert.equal(policies.json.userTypeMustNameRole, true);
    await page.context().close();
  });
});
