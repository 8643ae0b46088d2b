/**
 * The Provisioning console page in real Chromium, by role and name as a person uses it: the status
 * panel, provision on demand with its steps, the logs table with a filter and each entry's steps, stop and start, the
 * quarantine banner; axe finds no serious violation; photographed into docs/console/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { browserSkipReason, screenshot, seriousViolations, signIn, startConsoleServer, type ConsoleServer } from './console-harness.ts';

const skip = browserSkipReason();

describe('console: Provisioning page', { skip }, () => {
  let s: ConsoleServer;
  let orgId = '';
  let dir = '';

  before(async () => {
    s = await startConsoleServer();
    const token = await s.operatorToken();
    orgId = (await s.admin('POST', '/organizations', token, { name: 'Acme Corp' })).json.id;
    const target = (await s.admin('POST', `/organizations/${orgId}/keys`, token, { type: 'scim', description: 'HR sync' })).json.secret;
    dir = mkdtempSync(join(tmpdir(), 'scimd-console-sync-'));
    writeFileSync(join(dir, 'users.csv'), 'id,mail,givenName,surname,department\n1,ada@acme.test,Ada,Lovelace,R&D\n2,bob@acme.test,Bob,Builder,Sales\n');
    const config = {
      name: 'hr-to-acme',
      source: { type: 'csv', path: 'users.csv', key: 'id' },
      target: { url: s.tenantUrl, token: target },
      users: {
        mappings: [
          { target: 'userName', expression: '[mail]', matching: 1 },
          { target: 'displayName', expression: 'Join(" ", [givenName], [surname])' },
          { target: 'name.familyName', expression: '[surname]' },
        ],
        scope: [[{ attribute: 'department', operator: 'EQUALS', value: 'R&D' }]],
      },
    };
    // Not due for an hour: the page, not the worker, does the provisioning here.
    await s.runtime.store.syncState.putJob({ orgId, name: 'hr-to-acme', config: { text: JSON.stringify(config), path: join(dir, 'job.json') }, enabled: true, intervalMinutes: 40, nextRunAt: new Date(Date.now() + 3_600_000).toISOString() });
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('provisions a user on demand, shows the steps and the log, stops and starts the job, and passes axe', async () => {
    const context = await s.context();
    const page = await context.newPage();
    await signIn(page, s.url);
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    await page.goto(`${s.url}/console/orgs/${orgId}/provisioning`);
    await page.getByRole('heading', { level: 1, name: 'Provisioning' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Provisioning' }).waitFor();
    await page.getByRole('heading', { name: 'Status' }).waitFor();
    assert.equal(await page.getByLabel('Job', { exact: true }).inputValue(), 'hr-to-acme');
    await page.getByText('No provisioning log entries match.').waitFor();

    // Keyboard: the form's fields are reachable and labelled.
    await page.getByLabel('Object', { exact: true }).selectOption('user');
    await page.getByLabel('Source key or name').focus();
    await page.keyboard.type('ada@acme.test');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Result:/ }).waitFor();
    const steps = page.getByRole('region', { name: 'Provision on demand' }).getByRole('listitem');
    assert.equal(await steps.count(), 5);
    assert.match((await steps.nth(2).textContent()) ?? '', /Determine if in scope: In scope/);
    assert.match((await steps.nth(4).textContent()) ?? '', /Perform action: Create target object/);
    await page.getByText('Details of Perform action').click();
    assert.match((await page.locator('pre').last().textContent()) ?? '', /POST \/Users/);

    const logTable = page.getByRole('table', { name: 'Provisioning logs' });
    await logTable.getByRole('cell', { name: 'User 1', exact: true }).waitFor();
    assert.match((await logTable.getByRole('row').nth(1).textContent()) ?? '', /Create.*Success/);
    // The entry's steps open under its row, from a button named after the entry.
    const stepsButton = logTable.getByRole('button', { name: 'Steps of User 1' });
    assert.equal(await stepsButton.getAttribute('aria-expanded'), 'false');
    await stepsButton.click();
    assert.equal(await stepsButton.getAttribute('aria-expanded'), 'true');
    const logSteps = logTable.getByRole('list', { name: 'Steps of User 1' }).getByRole('listitem');
    assert.equal(await logSteps.count(), 4);
    assert.match((await logSteps.nth(0).textContent()) ?? '', /Import user: Read source object 1/);
    assert.match((await logSteps.nth(2).textContent()) ?? '', /Match user between source and target: No target object matched/);
    assert.match((await logSteps.nth(3).textContent()) ?? '', /Perform action: Create target object .*"action":"Create"/);
    assert.equal((await s.scim('GET', '/Users?filter=userName eq "ada@acme.test"', (await s.admin('POST', `/organizations/${orgId}/keys`, await s.operatorToken(), { type: 'scim', description: 'check' })).json.secret)).json.totalResults, 1);

    await page.getByRole('combobox', { name: 'Status' }).selectOption('Failure');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No provisioning log entries match.').waitFor();
    await page.getByRole('combobox', { name: 'Status' }).selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await logTable.waitFor();

    await page.getByRole('group', { name: 'Job controls' }).getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByText(/Stopped \(every 40 min\)/).waitFor();
    await page.getByRole('group', { name: 'Job controls' }).getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByText(/Stopped \(every 40 min\)/).waitFor({ state: 'detached' });
    // Start wakes the server's sync worker (it looks for due jobs only once a minute): the first
    // cycle runs now and the status panel, refreshed every 5 s, shows it.
    await page.locator('dd', { hasText: /succeeded\s*initial, ended/ }).waitFor({ timeout: 15_000 });
    // Restart clears the job's state and runs an initial cycle right away too.
    await page.getByRole('group', { name: 'Job controls' }).getByRole('button', { name: 'Restart', exact: true }).click();
    const deadline = Date.now() + 15_000;
    let runs = await s.runtime.store.syncState.runs('hr-to-acme', 10);
    while ((runs.length < 2 || runs[0]?.status === 'running') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      runs = await s.runtime.store.syncState.runs('hr-to-acme', 10);
    }
    assert.deepEqual(runs.map((r) => [r.kind, r.status]), [['initial', 'succeeded'], ['initial', 'succeeded']]);
    assert.equal(await page.getByRole('button', { name: 'Approve deletions' }).isDisabled(), true, 'nothing is held');

    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    await screenshot(page, 'provisioning');
    await context.close();
  });

  it('shows the quarantine banner when the job is in quarantine', async () => {
    await s.runtime.store.syncState.saveHealth({ job: 'hr-to-acme', quarantineReason: 'the target refused the credentials: GET /Users → 401', quarantineCode: 'TARGET_AUTH', quarantinedAt: new Date().toISOString(), quarantineStep: 1, notifiedCode: 'TARGET_AUTH', failureMailAt: null, disabledAt: null, nextRunAt: null });
    const context = await s.context({ colorScheme: 'dark' });
    const page = await context.newPage();
    await signIn(page, s.url);
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    await page.goto(`${s.url}/console/orgs/${orgId}/provisioning`);
    const banner = page.getByRole('alert').filter({ hasText: 'In quarantine' });
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /TARGET_AUTH.*refused the credentials/);
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
    await screenshot(page, 'provisioning-quarantine');
    await context.close();
  });
});
