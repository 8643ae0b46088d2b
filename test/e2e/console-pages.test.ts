/**
 * Every console page in headless Chromium over a seeded organization: axe-core finds no serious or
 * critical violation, light and dark, at 1280×800 and (for a customer admin) 390×844; each page is
 * photographed into docs/console/ for the documentation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkipReason, screenshot, seriousViolations, signIn, startConsoleServer, type ConsoleServer } from './console-harness.ts';

const skip = browserSkipReason();

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** The first user carries the Enterprise User extension and the organization's own. */
const extensionsOf = (n: number) =>
  n === 0
    ? { [ENTERPRISE]: { employeeNumber: '701984', department: 'Research', costCenter: 'R-7', manager: { value: 'boss-1' } }, [CUSTOM]: { CustomAttribute: '701984', licenceTier: 'pro', badge: 42 } }
    : {};

const user = (n: number, role: string, active = true) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  ...extensionsOf(n),
  userName: `user${n}@acme.test`,
  name: { givenName: ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken'][n % 6], familyName: ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson'][n % 6] },
  emails: [{ value: `user${n}@acme.test`, type: 'work', primary: true }],
  externalId: `entra-${1000 + n}`,
  userType: role,
  active,
});

/** Waits until the page shows its heading and no loading state, then checks it with axe. */
async function check(page: Page, name: string, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
  // A locator wait, not waitForFunction: polling a string predicate needs eval, which the console's CSP refuses.
  await page.locator('.state[role=status]').first().waitFor({ state: 'detached' });
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 2)}`);
  await screenshot(page, name);
}

describe('every console page is accessible (axe) and photographed', { skip }, () => {
  let s: ConsoleServer;
  let orgId = '';
  let userId = '';
  let groupId = '';

  before(async () => {
    s = await startConsoleServer({ SCIMD_WORKER_INTERVAL_MS: '1000' });
    const token = await s.operatorToken();
    const org = await s.admin('POST', '/organizations', token, { name: 'Acme Corp' });
    orgId = org.json.id;
    await s.admin('POST', '/organizations', token, { name: 'Globex' });
    await s.admin('POST', '/organizations', token, { name: 'Initech' });
    await s.admin('PUT', `/organizations/${orgId}/notifications`, token, { emails: ['it-admins@acme.test'] });
    await s.admin('POST', `/organizations/${orgId}/roles`, token, { name: 'Contractor', description: 'External staff' });
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const entra = await s.admin('POST', `/organizations/${orgId}/keys`, token, { type: 'scim', description: 'Microsoft Entra ID', expiresAt: inTenDays });
    await s.admin('POST', `/organizations/${orgId}/keys`, token, { type: 'api', description: 'Billing service', scopes: ['users:read', 'groups:read'] });
    const old = await s.admin('POST', `/organizations/${orgId}/keys`, token, { type: 'scim', description: 'Okta (old)' });
    await s.admin('DELETE', `/organizations/${orgId}/keys/${old.json.key.id}`, token);
    await s.admin('PUT', `/organizations/${orgId}/schemas/${CUSTOM}`, token, {
      name: 'CustomExtensionName',
      description: 'Custom attributes mapped in Microsoft Entra ID',
      attributes: [{ name: 'CustomAttribute' }, { name: 'licenceTier', canonicalValues: ['free', 'pro', 'enterprise'] }, { name: 'badge', type: 'integer' }],
    });
    await s.admin('PUT', `/organizations/${orgId}/schemas/urn:example:params:scim:schemas:extension:acme:2.0:Group`, token, {
      name: 'AcmeGroup',
      attributes: [{ name: 'region' }],
      resourceType: 'Group',
      required: true,
    });
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) {
      const created = await s.scim('POST', '/Users', entra.json.secret, user(n, n % 3 === 0 ? 'Editor' : n === 5 ? 'Contractor' : 'Employee', n !== 7));
      assert.equal(created.status, 201, JSON.stringify(created.json));
      ids.push(created.json.id);
    }
    userId = ids[0]!;
    const group = await s.scim('POST', '/Groups', entra.json.secret, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
      'urn:example:params:scim:schemas:extension:acme:2.0:Group': { region: 'EMEA' },
      externalId: 'grp-eng',
      members: ids.slice(0, 5).map((value) => ({ value })),
    });
    groupId = group.json.id;
    await s.scim('PATCH', `/Users/${ids[1]}`, entra.json.secret, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'name.familyName', value: 'Hopper-Murray' }],
    });
    // A request the server refuses, so the activity page has an error to show.
    await s.scim('POST', '/Users', entra.json.secret, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'user0@acme.test' });
    await s.admin('POST', `/organizations/${orgId}/setup-links`, token, { expiresIn: '3d' });
    // The reminder worker (every second here) records the expiring key's reminder in the mail log.
    for (let i = 0; i < 50; i++) {
      const mail = await s.admin('GET', `/organizations/${orgId}/mail`, token);
      if (mail.json.items.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
  after(() => s?.close());

  it('has no serious or critical axe violation on any operator page, and photographs each', async () => {
    const context = await s.context();
    const page = await context.newPage();
    await page.goto(`${s.url}/console`);
    await check(page, 'sign-in', 'Sign in to scimd');
    await signIn(page, s.url);
    await check(page, 'organizations', 'Organizations');
    const base = `${s.url}/console/orgs/${orgId}`;
    const visits: [string, string, string | RegExp][] = [
      ['connect', `${base}/connect`, 'Connect'],
      ['security', `${base}/settings/security`, 'Settings → Security'],
      ['schemas', `${base}/settings/schemas`, 'Settings → Schemas'],
      ['api-access', `${base}/api-access`, 'API Access'],
      ['users', `${base}/users`, 'Users'],
      ['user', `${base}/users/${userId}`, 'user0@acme.test'],
      ['groups', `${base}/groups`, 'Groups'],
      ['group', `${base}/groups/${groupId}`, 'Engineering'],
      ['roles', `${base}/roles`, 'Roles'],
      ['members', `${base}/members`, 'Members'],
      ['history', `${base}/history`, 'Revision history'],
      ['activity', `${base}/activity`, 'Activity'],
      ['setup-links', `${base}/setup-links`, 'Setup links'],
      ['mail', `${base}/mail`, 'Mail log'],
      ['webhooks-empty', `${base}/webhooks`, 'Webhooks'],
      ['provisioning-empty', `${base}/provisioning`, 'Provisioning'],
    ];
    for (const [name, url, heading] of visits) {
      await page.goto(url);
      await check(page, name, heading);
    }

    await page.goto(`${base}/users`);
    await page.getByLabel('Extra column').selectOption({ label: 'licenceTier (CustomExtensionName)' });
    await page.getByRole('cell', { name: 'pro', exact: true }).waitFor();
    await check(page, 'users-extension-column', 'Users');

    // The dialogs: generating a key, the secret shown once, turning SCIM off, deleting an organization.
    await page.goto(`${base}/api-access`);
    await page.getByRole('button', { name: 'Generate API Key' }).click();
    await page.getByRole('dialog', { name: 'Generate API Key' }).getByLabel('Description').fill('Okta production');
    await check(page, 'generate-key', 'API Access');
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.getByRole('dialog', { name: 'Copy your key now' }).waitFor();
    await check(page, 'key-secret', 'API Access');
    await page.getByRole('button', { name: 'Got it' }).click();
    await page.getByRole('button', { name: 'Rotate Microsoft Entra ID' }).click();
    await check(page, 'rotate-key', 'API Access');
    await page.keyboard.press('Escape');
    await page.goto(`${base}/settings/security`);
    await page.getByRole('switch', { name: 'SCIM' }).click();
    await check(page, 'scim-off-confirm', 'Settings → Security');
    await page.keyboard.press('Escape');
    await page.getByRole('radio', { name: 'email-identity' }).check();
    await page.getByRole('button', { name: 'Apply preset' }).click();
    await check(page, 'preset-confirm', 'Settings → Security');
    await page.keyboard.press('Escape');
    await page.goto(`${base}/settings/schemas`);
    await page.getByRole('button', { name: 'Add schema' }).click();
    await page.getByRole('dialog', { name: 'Add schema' }).getByLabel('Definition').fill('{"name": "Licences", "attributes": [{"name": "tier", "type": "float"}]}');
    await page.getByRole('dialog', { name: 'Add schema' }).getByLabel('Schema URN').fill('urn:example:params:scim:schemas:extension:licences:2.0:User');
    await page.getByRole('dialog', { name: 'Add schema' }).getByRole('button', { name: 'Add schema' }).click();
    await page.getByText('Field: attributes[0].type').waitFor();
    await check(page, 'schema-invalid', 'Settings → Schemas');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Remove CustomExtensionName' }).click();
    await page.getByRole('button', { name: 'Remove schema', exact: true }).click();
    await page.getByRole('dialog', { name: 'CustomExtensionName is in use' }).waitFor();
    await check(page, 'schema-in-use', 'Settings → Schemas');
    await page.keyboard.press('Escape');
    await page.goto(`${s.url}/console/orgs`);
    await page.getByRole('button', { name: 'Delete Globex' }).click();
    await check(page, 'delete-organization', 'Organizations');
    await context.close();
  });

  it('passes axe in the dark theme too', async () => {
    const context = await s.context({ colorScheme: 'dark' });
    const page = await context.newPage();
    await signIn(page, s.url, `/console/orgs/${orgId}/api-access`);
    await check(page, 'api-access-dark', 'API Access');
    await page.goto(`${s.url}/console/orgs/${orgId}/activity`);
    await check(page, 'activity-dark', 'Activity');
    await page.goto(`${s.url}/console/orgs/${orgId}/settings/schemas`);
    await check(page, 'schemas-dark', 'Settings → Schemas');
    await context.close();
  });

  it('passes axe for an operator on a 390×844 screen: schemas and a user with extension attributes', async () => {
    const context = await s.context({ width: 390, height: 844 });
    const page = await context.newPage();
    await signIn(page, s.url, `/console/orgs/${orgId}/settings/schemas`);
    await check(page, 'schemas-mobile', 'Settings → Schemas');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
    await page.getByRole('button', { name: 'Edit CustomExtensionName' }).click();
    await check(page, 'schema-edit-mobile', 'Settings → Schemas');
    await page.keyboard.press('Escape');
    await page.goto(`${s.url}/console/orgs/${orgId}/users/${userId}`);
    await check(page, 'user-extensions-mobile', 'user0@acme.test');
    await context.close();
  });

  it('passes axe for a customer admin on a 390×844 screen, menu open', async () => {
    const token = await s.operatorToken();
    const link = await s.admin('POST', `/organizations/${orgId}/setup-links`, token, { expiresIn: '1d' });
    const context = await s.context({ width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto(link.json.url);
    await check(page, 'setup-link-connect-mobile', 'Connect');
    await page.getByRole('button', { name: 'Menu' }).click();
    await check(page, 'setup-link-menu-mobile', 'Connect');
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'API Access' }).click();
    await check(page, 'setup-link-api-access-mobile', 'API Access');
    await context.close();
  });
});
