/**
 * The checks that need no data of their own: Test Connection (what Entra sends when the admin
 * clicks the button), the refusal of a bad token, and the discovery and list requests Entra and
 * Okta send when an app is saved.
 */
import { randomUUID } from 'node:crypto';
import { CheckFailed, docOf, expectList, expectStatus, filterPath, GROUP_SCHEMA, isObject, USER_SCHEMA, type Doc } from './expect.ts';
import type { ValidateSession } from './session.ts';

/** Test Connection (it marks the session connected) and the bad-token check. */
export async function runConnectionChecks(s: ValidateSession): Promise<void> {
  const { check, send, state, badClient } = s;
  await check(
    'Test Connection: filter for a user that cannot exist',
    async () => {
      const response = await send('GET', filterPath('Users', `userName eq "${randomUUID()}"`));
      const resources = expectList(response, 'a filter that matches nothing must answer 200 with an empty ListResponse (never 404): Entra quarantines the job otherwise');
      if (resources.length > 0 || docOf(response).totalResults !== 0) throw new CheckFailed('the filter matched users', 'apply the filter exactly; never fall back to the unfiltered list (Entra reports DuplicateTargetEntries)');
      state.connected = true;
      return '200 with an empty ListResponse';
    },
    { needsConnection: false },
  );
  await check('Bad token is refused with 401', async () => {
    const response = await send('GET', filterPath('Users', `userName eq "${randomUUID()}"`), undefined, badClient);
    if (response.status !== 401) throw new CheckFailed(`answered ${response.status} to an invalid token`, 'answer requests without a valid bearer token with 401 and a SCIM Error body');
    return '401';
  });
}

/** Entra's discovery requests and Okta's first list requests. */
export async function runDiscoveryChecks(s: ValidateSession): Promise<void> {
  const { check, send, entra, okta } = s;
  await check('Discovery: GET /ServiceProviderConfig', async () => {
    const response = await send('GET', '/ServiceProviderConfig');
    expectStatus(response, [200], 'serve /ServiceProviderConfig (RFC 7644 §4); validators read it to learn what is supported');
    const doc = docOf(response);
    const supported = (key: string) => isObject(doc[key]) && (doc[key] as Doc).supported === true;
    if (!supported('patch')) throw new CheckFailed('patch.supported is not true', 'Entra updates users and groups with PATCH; support it and say so');
    if (!supported('filter')) throw new CheckFailed('filter.supported is not true', 'Entra and Okta match users with filters; support eq and say so');
    return 'patch and filter supported';
  }, { when: entra });
  await check('Discovery: GET /Schemas', async () => {
    const response = await send('GET', '/Schemas');
    const resources = expectList(response, 'serve /Schemas as a ListResponse of schema definitions');
    const ids = resources.map((r) => r.id);
    for (const id of [USER_SCHEMA, GROUP_SCHEMA]) if (!ids.includes(id)) throw new CheckFailed(`${id} is not listed`, 'list the core User and Group schemas in /Schemas');
    return `${resources.length} schemas`;
  }, { when: entra });
  await check('Discovery: GET /ResourceTypes', async () => {
    const response = await send('GET', '/ResourceTypes');
    const resources = expectList(response, 'serve /ResourceTypes as a ListResponse');
    const names = resources.map((r) => r.name);
    for (const name of ['User', 'Group']) if (!names.includes(name)) throw new CheckFailed(`resource type ${name} is not listed`, 'list the User and Group resource types');
    return 'User and Group';
  }, { when: entra });
  await check('Okta: GET /Users?startIndex=1&count=2', async () => {
    const resources = expectList(await send('GET', '/Users?startIndex=1&count=2'), 'Okta lists users with startIndex=1&count=2 when the app is saved');
    if (resources.length > 2) throw new CheckFailed(`returned ${resources.length} users for count=2`, 'honour count: return at most that many resources');
    return `${resources.length} users`;
  }, { when: okta });
  await check('Okta: GET /Groups?startIndex=1&count=100', async () => {
    expectList(await send('GET', '/Groups?startIndex=1&count=100'), 'Okta lists groups with startIndex=1&count=100; a missing /Groups fails "Import Groups"');
    return 'ListResponse';
  }, { when: okta });
}
