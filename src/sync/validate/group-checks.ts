/**
 * The group checks: create with Entra's POST body, find by displayName without members, add and
 * remove members in Entra's and Okta's shapes, rename both ways, delete.
 */
import { CheckFailed, docOf, expectList, expectScimError, expectStatus, filterPath, GROUP_SCHEMA, isObject, need, PATCH_OP, type Doc } from './expect.ts';
import type { ValidateSession } from './session.ts';

/** The member ids of `group`, read back with GET. */
async function membersOf(s: ValidateSession, group: string): Promise<string[]> {
  const response = await s.send('GET', `/Groups/${group}`);
  expectStatus(response, [200], 'GET /Groups/{id} must return the group');
  const members = docOf(response).members;
  return Array.isArray(members) ? members.filter(isObject).map((m) => String(m.value)) : [];
}

/** PATCHes `group` with `operation`, then expects it to be named `renamed`. */
async function rename(s: ValidateSession, group: string, renamed: string, operation: Doc, hint: string): Promise<string> {
  const response = await s.send('PATCH', `/Groups/${group}`, { schemas: [PATCH_OP], Operations: [operation] });
  expectStatus(response, [200, 204], hint);
  const got = await s.send('GET', `/Groups/${group}`);
  expectStatus(got, [200], 'GET /Groups/{id} must return the group');
  if (docOf(got).displayName !== renamed) throw new CheckFailed(`displayName is ${JSON.stringify(docOf(got).displayName)}`, 'apply the new displayName');
  return 'renamed';
}

/** Every group check, in order. */
export async function runGroupChecks(s: ValidateSession): Promise<void> {
  await runCreateChecks(s);
  await runMemberChecks(s);
  await runRenameChecks(s);
}

/** Creates the group and finds it by displayName. */
async function runCreateChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, created, entra, tag, groupName } = s;
  await check('Groups: create (Entra\'s POST body)', async () => {
    const body = {
      schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: `validate-group-${tag}`,
      displayName: groupName,
      meta: { resourceType: 'Group' },
    };
    const response = await send('POST', '/Groups', body);
    const id = docOf(response).id;
    if (typeof id === 'string' && id !== '' && response.status < 300) created.Groups.push(id);
    expectStatus(response, [201], 'POST /Groups must create the group and answer 201; ignore unknown schema URIs such as Microsoft\'s ADSCIM one');
    if (typeof id !== 'string' || id === '') throw new CheckFailed('the 201 body has no id', 'return the created group with its id');
    state.group = id;
    state.groupName = groupName;
    return `201, id ${id}`;
  });
  await check('Groups: filter displayName eq with excludedAttributes=members', async () => {
    const group = need(state.group, 'the created group');
    const resources = expectList(await send('GET', filterPath('Groups', `displayName eq "${groupName}"`, '&excludedAttributes=members')), 'support filter=displayName eq "…" on /Groups (Entra matches groups on it)');
    if (resources.length !== 1 || resources[0]!.id !== group) throw new CheckFailed(`returned ${resources.length} groups`, 'a displayName eq filter must return exactly the matching group');
    if ('members' in resources[0]!) throw new CheckFailed('the result carries members', 'honour excludedAttributes=members; Entra asks for groups without their members');
    return '1 result without members';
  }, { when: entra });
}

/** Adds both users, then removes members in Entra's and in Okta's shape. */
async function runMemberChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, entra, okta } = s;
  await check('Groups: add members (Add with a value list)', async () => {
    const group = need(state.group, 'the created group');
    const user = need(state.user, 'the created user');
    const manager = need(state.manager, 'the second user');
    const response = await send('PATCH', `/Groups/${group}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: user }, { value: manager }] }] });
    expectStatus(response, [200, 204], 'accept Add on members with several values (and ignore "$ref": null)');
    const members = await membersOf(s, group);
    if (!members.includes(user) || !members.includes(manager)) throw new CheckFailed(`members are ${JSON.stringify(members)}`, 'add every listed member');
    return '2 members';
  });
  await check('Groups: remove a member (Remove with a value list)', async () => {
    const group = need(state.group, 'the created group');
    const user = need(state.user, 'the created user');
    const manager = need(state.manager, 'the second user');
    const response = await send('PATCH', `/Groups/${group}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: user }] }] });
    expectStatus(response, [200, 204], "accept Remove on members with a value list (Entra's shape) and remove only those members");
    const members = await membersOf(s, group);
    if (members.includes(user)) throw new CheckFailed('the member is still there', 'remove the listed member');
    if (!members.includes(manager)) throw new CheckFailed('the other member was removed too', 'remove only the listed members, never the whole list');
    return 'only the listed member removed';
  }, { when: entra });
  await check('Groups: remove a member (members[value eq "…"])', async () => {
    const group = need(state.group, 'the created group');
    const user = need(state.user, 'the created user');
    const manager = need(state.manager, 'the second user');
    // After Entra's removal only the second user is left; alone, Okta's shape removes the first one.
    const [gone, kept] = entra ? [manager, undefined] : [user, manager];
    const response = await send('PATCH', `/Groups/${group}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${gone}"]` }] });
    expectStatus(response, [200, 204], 'accept remove with a members[value eq "…"] path');
    const members = await membersOf(s, group);
    if (members.includes(gone)) throw new CheckFailed('the member is still there', 'remove the member the filter selects');
    if (kept !== undefined && !members.includes(kept)) throw new CheckFailed('the other member was removed too', 'remove only the members the filter selects');
    return 'the selected member removed';
  }, { when: okta });
}

/** Renames the group in each client's shape, then deletes it. */
async function runRenameChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, created, entra, okta, groupName } = s;
  await check('Groups: rename (Replace displayName)', async () => {
    const group = need(state.group, 'the created group');
    return rename(s, group, `${groupName} renamed`, { op: 'Replace', path: 'displayName', value: `${groupName} renamed` }, 'accept Replace on displayName');
  }, { when: entra });
  await check('Groups: rename (no-path replace with the id, as Okta)', async () => {
    const group = need(state.group, 'the created group');
    const renamed = `${groupName} okta`;
    return rename(s, group, renamed, { op: 'replace', value: { id: group, displayName: renamed } }, 'accept a no-path replace carrying the group id and displayName (ignore the id)');
  }, { when: okta });
  await check('Groups: delete', async () => {
    const group = need(state.group, 'the created group');
    expectStatus(await send('DELETE', `/Groups/${group}`), [204, 200], 'DELETE /Groups/{id} must answer 204');
    created.Groups = created.Groups.filter((g) => g !== group);
    expectScimError(await send('GET', `/Groups/${group}`), 404, 'a deleted group must answer 404');
    return '204, then 404';
  });
}
