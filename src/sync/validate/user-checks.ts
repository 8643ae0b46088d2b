/**
 * The user checks, in the order Entra and Okta send their requests: create with each client's POST
 * body, read back and find by filter, PATCH in each client's shapes, PUT, deactivate, the
 * uniqueness and not-found errors, and at the very end (after the group checks used the users)
 * the delete.
 */
import { randomUUID } from 'node:crypto';
import { CheckFailed, docOf, ENTERPRISE, expectList, expectScimError, expectStatus, filterPath, isObject, need, PATCH_OP, USER_SCHEMA, type Doc } from './expect.ts';
import type { ValidateSession } from './session.ts';

/** A user as `kind` sends it on create (Entra with the enterprise extension, Okta with a password). */
const userBody = (kind: 'entra' | 'okta', userName: string, externalId: string): Doc =>
  kind === 'entra'
    ? {
        schemas: [USER_SCHEMA, ENTERPRISE],
        externalId,
        userName,
        active: true,
        emails: [{ primary: true, type: 'work', value: userName }],
        meta: { resourceType: 'User' },
        name: { formatted: 'Vera Validate', familyName: 'Validate', givenName: 'Vera' },
        roles: [],
      }
    : {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: 'Vera', familyName: 'Validate' },
        emails: [{ primary: true, value: userName, type: 'work' }],
        displayName: 'Vera Validate',
        locale: 'en-US',
        externalId,
        groups: [],
        password: `p-${randomUUID()}`,
        active: true,
      };

/** Creates a user with `kind`'s POST body; the id is kept for the clean-up even when the check fails. */
async function createUser(s: ValidateSession, kind: 'entra' | 'okta', userName: string, externalId: string): Promise<string> {
  const { send, created } = s;
  const response = await send('POST', '/Users', userBody(kind, userName, externalId));
  const id = docOf(response).id;
  if (typeof id === 'string' && id !== '' && response.status < 300) created.Users.push(id);
  expectStatus(response, [201], 'POST /Users must create the user and answer 201');
  if (typeof id !== 'string' || id === '') throw new CheckFailed('the 201 body has no id', 'return the created resource with its id; Entra caches it and Okta fails with "empty user" without it');
  return id;
}

/** GET /Users/{id}, expecting a 200. */
async function getUser(s: ValidateSession, id: string): Promise<Doc> {
  const response = await s.send('GET', `/Users/${id}`);
  expectStatus(response, [200], 'GET /Users/{id} must return the user');
  return docOf(response);
}

/** Every user check but the delete, which runs after the group checks. */
export async function runUserChecks(s: ValidateSession): Promise<void> {
  await runCreateChecks(s);
  await runPatchChecks(s);
  await runReplaceChecks(s);
  await runErrorChecks(s);
}

/** Creates the two users, reads the first back and finds it by filter. */
async function runCreateChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, entra, okta, tag, userName, externalId } = s;
  await check(`Users: create (${entra ? "Entra's" : "Okta's"} POST body)`, async () => {
    state.user = await createUser(s, entra ? 'entra' : 'okta', userName, externalId);
    state.userName = userName;
    state.externalId = externalId;
    return `201, id ${state.user}`;
  });
  await check('Users: get by id', async () => {
    const id = need(state.user, 'the created user');
    const doc = await getUser(s, id);
    if (doc.id !== id) throw new CheckFailed(`returned id ${String(doc.id)}`, 'GET /Users/{id} must return the same id');
    if (doc.userName !== userName) throw new CheckFailed(`userName is ${JSON.stringify(doc.userName)}`, 'store values exactly as sent: Entra compares read-back values and re-sends differences every cycle');
    if (doc.active !== true) throw new CheckFailed(`active is ${JSON.stringify(doc.active)}`, 'always return active as a JSON boolean');
    return 'same id, userName and active';
  });
  await check('Users: filter userName eq', async () => {
    const id = need(state.user, 'the created user');
    const resources = expectList(await send('GET', filterPath('Users', `userName eq "${userName}"`)), 'support filter=userName eq "…"');
    if (resources.length !== 1 || resources[0]!.id !== id) throw new CheckFailed(`returned ${resources.length} users`, 'a userName eq filter must return exactly the matching user');
    return '1 result';
  });
  await check('Users: filter externalId eq', async () => {
    const id = need(state.user, 'the created user');
    const resources = expectList(await send('GET', filterPath('Users', `externalId eq "${externalId}"`)), 'support filter=externalId eq "…" (a common Entra matching attribute)');
    if (resources.length !== 1 || resources[0]!.id !== id) throw new CheckFailed(`returned ${resources.length} users`, 'store externalId and filter on it exactly');
    return '1 result';
  }, { when: entra });
  await check('Users: userName match is case-insensitive', async () => {
    const id = need(state.user, 'the created user');
    const resources = expectList(await send('GET', filterPath('Users', `userName eq "${userName.toUpperCase()}"`)), 'support filter=userName eq with any letter case');
    if (resources.length !== 1 || resources[0]!.id !== id) throw new CheckFailed(`the upper-cased userName matched ${resources.length} users`, 'userName is caseExact false (RFC 7643): compare it case-insensitively in filters and uniqueness');
    return '1 result';
  });
  await check(`Users: second user created (${okta ? "Okta's" : "Entra's"} POST body)`, async () => {
    state.manager = await createUser(s, okta ? 'okta' : 'entra', `manager.${tag}@scimd-validate.example`, `validate-manager-${tag}`);
    return `201, id ${state.manager}`;
  });
}

/** PATCH in Entra's shapes: op names in any case, dotted, filtered and no-path paths, the manager as a string. */
async function runPatchChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, entra, tag } = s;
  await check('Users: PATCH "Replace" with a dotted path (name.givenName)', async () => {
    const id = need(state.user, 'the created user');
    const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'name.givenName', value: 'Valeria' }] });
    expectStatus(response, [200, 204], 'accept PATCH op names in any case ("Replace") and dotted sub-attribute paths');
    const name = (await getUser(s, id)).name;
    if (!isObject(name) || name.givenName !== 'Valeria') throw new CheckFailed(`name is ${JSON.stringify(name)}`, 'apply "name.givenName" to the givenName inside name');
    return 'givenName changed';
  }, { when: entra });
  await check('Users: PATCH filtered e-mail path emails[type eq "work"].value', async () => {
    const id = need(state.user, 'the created user');
    const email = `changed.${tag}@scimd-validate.example`;
    const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: email }] });
    expectStatus(response, [200, 204], 'accept value-filter paths such as emails[type eq "work"].value in PATCH');
    const emails = (await getUser(s, id)).emails;
    const work = Array.isArray(emails) ? emails.filter(isObject).filter((e) => e.type === 'work') : [];
    if (work.length !== 1 || work[0]!.value !== email) throw new CheckFailed(`emails are ${JSON.stringify(emails)}`, 'replace the value of the work e-mail (create it when missing) and keep a single work entry');
    return 'work e-mail changed';
  }, { when: entra });
  await check('Users: PATCH without path, dotted and URN keys', async () => {
    const id = need(state.user, 'the created user');
    const value = { 'name.familyName': 'Validated', [`${ENTERPRISE}:employeeNumber`]: `E-${tag}` };
    const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value }] });
    expectStatus(response, [200, 204], 'accept a no-path replace whose value has dotted ("name.familyName") and URN-prefixed keys');
    const doc = await getUser(s, id);
    const name = doc.name;
    const extension = doc[ENTERPRISE];
    if ('name.familyName' in doc) throw new CheckFailed('stored a literal "name.familyName" key', 'treat dotted keys of a no-path value as paths');
    if (!isObject(name) || name.familyName !== 'Validated') throw new CheckFailed(`name is ${JSON.stringify(name)}`, 'apply "name.familyName" to name.familyName');
    if (!isObject(extension) || extension.employeeNumber !== `E-${tag}`) throw new CheckFailed(`the enterprise extension is ${JSON.stringify(extension)}`, 'apply URN-prefixed keys to the extension attribute they name');
    return 'familyName and employeeNumber changed';
  }, { when: entra });
  await check('Users: PATCH enterprise manager as a string', async () => {
    const id = need(state.user, 'the created user');
    const manager = need(state.manager, 'the second user');
    const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: manager }] });
    expectStatus(response, [200, 204], 'accept the manager as a bare id string (what Entra sends)');
    const extension = (await getUser(s, id))[ENTERPRISE];
    const value = isObject(extension) ? extension.manager : undefined;
    if (!isObject(value) || value.value !== manager) throw new CheckFailed(`manager is ${JSON.stringify(value)}`, 'store the manager and return it in the RFC form {"value": "<id>"}; Entra cannot read other shapes');
    return 'manager.value set';
  }, { when: entra });
}

/** Okta's PUT and both clients' ways to deactivate a user. */
async function runReplaceChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, entra, okta, userName } = s;
  await check('Users: PUT the full resource as Okta does', async () => {
    const id = need(state.user, 'the created user');
    const doc = await getUser(s, id);
    const name = isObject(doc.name) ? doc.name : {};
    const body = { ...doc, groups: [], name: { ...name, middleName: 'Okta' }, displayName: 'Vera Okta Validate' };
    const response = await send('PUT', `/Users/${id}`, body);
    expectStatus(response, [200], 'accept PUT with the full resource as read, including id, meta and groups (ignore read-only input) and answer 200');
    const after = await getUser(s, id);
    const afterName = after.name;
    if (after.id !== id) throw new CheckFailed('the id changed', 'PUT must keep the id');
    if (!isObject(afterName) || afterName.middleName !== 'Okta' || after.displayName !== 'Vera Okta Validate') throw new CheckFailed(`name is ${JSON.stringify(afterName)}, displayName ${JSON.stringify(after.displayName)}`, 'PUT replaces the resource with the body sent');
    return 'middleName and displayName replaced';
  }, { when: okta });
  await check('Users: deactivate with active "False" (Entra)', async () => {
    const id = need(state.user, 'the created user');
    const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expectStatus(response, [200, 204], 'accept the string booleans "True"/"False" for active (Entra\'s default mapping sends strings)');
    const doc = await getUser(s, id);
    if (doc.active !== false) throw new CheckFailed(`active is ${JSON.stringify(doc.active)}`, 'store "False" as the boolean false and return active as a boolean');
    const resources = expectList(await send('GET', filterPath('Users', `userName eq "${userName}"`)), 'filters must keep finding deactivated users');
    if (resources.length !== 1) throw new CheckFailed('the deactivated user is no longer found by userName', 'soft-deleted (active false) users must stay visible to filters and GET');
    await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    return 'active false, still found; reactivated';
  }, { when: entra });
  await check('Users: deactivate with a no-path replace (Okta)', async () => {
    const id = need(state.user, 'the created user');
    const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expectStatus(response, [200, 204], 'accept {"op":"replace","value":{"active":false}} without a path');
    const doc = await getUser(s, id);
    if (doc.active !== false) throw new CheckFailed(`active is ${JSON.stringify(doc.active)}`, 'apply the keys of a no-path replace value to the resource');
    return 'active false';
  }, { when: okta });
}

/** The 409 uniqueness on a duplicate userName and the 404 for an unknown id. */
async function runErrorChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, created, entra, tag, userName } = s;
  await check('Users: duplicate userName is refused with 409 uniqueness', async () => {
    need(state.user, 'the created user');
    const response = await send('POST', '/Users', userBody(entra ? 'entra' : 'okta', userName, `validate-dup-${tag}`));
    const id = docOf(response).id;
    if (response.status < 300 && typeof id === 'string') created.Users.push(id);
    const error = expectScimError(response, 409, 'refuse a second user with the same userName with 409');
    if (error.scimType !== 'uniqueness') throw new CheckFailed(`scimType is ${JSON.stringify(error.scimType)}`, 'set scimType "uniqueness" on the 409');
    return '409 uniqueness';
  });
  await check('Users: unknown id answers 404 with a SCIM error', async () => {
    expectScimError(await send('GET', `/Users/${randomUUID()}`), 404, 'answer GET for an unknown id with 404');
    return '404 with detail';
  });
}

/** Deletes the first user, then expects a 404 for it. */
export async function runUserDeleteCheck(s: ValidateSession): Promise<void> {
  const { check, send, state, created } = s;
  await check('Users: delete, then GET answers 404 with a SCIM error', async () => {
    const id = need(state.user, 'the created user');
    expectStatus(await send('DELETE', `/Users/${id}`), [204, 200], 'DELETE /Users/{id} must answer 204 (Entra sends it when a user is purged)');
    created.Users = created.Users.filter((u) => u !== id);
    expectScimError(await send('GET', `/Users/${id}`), 404, 'a deleted user must answer 404 with a SCIM error body');
    return '204, then 404';
  });
}
