/**
 * A compliance checker for any SCIM 2.0 endpoint: runs, in order, the requests Entra ID's
 * provisioning service and Okta's SCIM test send before and during provisioning, and judges each
 * answer the way those clients do. Each check is named; a failed one keeps the request and the
 * response and carries a hint of what to change. Everything the checker creates is deleted at the
 * end, even when a check fails midway; what could not be deleted is reported as leftovers.
 */
import { randomUUID } from 'node:crypto';
import { createHttpClient, type HttpClient, type HttpResponse } from '../target/http-client.ts';

export type ValidateProfile = 'entra' | 'okta' | 'all';

export interface ValidateOptions {
  /** The Tenant URL (SCIM base URL). */
  readonly baseUrl: string;
  readonly token: string;
  readonly profile: ValidateProfile;
  /** Per-request timeout, 15 s by default. */
  readonly timeoutMs?: number;
}

export interface CheckExchange {
  readonly request: { readonly method: string; readonly path: string; readonly body?: unknown };
  readonly response?: { readonly status: number; readonly body: unknown };
}

export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  readonly request?: CheckExchange['request'];
  readonly response?: CheckExchange['response'];
  readonly hint?: string;
}

export interface ValidateReport {
  readonly target: string;
  readonly profile: ValidateProfile;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly checks: CheckResult[];
  /** Resources created by the checker that could not be deleted ("Users/<id>"). */
  readonly leftovers: string[];
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Doc = Record<string, unknown>;

/** A failed expectation: what went wrong and what to change. */
class CheckFailed extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** A check that cannot run because an earlier one did not produce what it needs. */
class CheckSkipped extends Error {}

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);
const docOf = (response: HttpResponse): Doc => (isObject(response.json) ? response.json : {});
const filterPath = (resource: string, filter: string, extra = '') => `/${resource}?filter=${encodeURIComponent(filter)}${extra}`;
const schemasOf = (doc: Doc): string[] => (Array.isArray(doc.schemas) ? doc.schemas.filter((s): s is string => typeof s === 'string') : []);
const bodyFor = (response: HttpResponse): unknown => response.json ?? (response.text.length > 2000 ? `${response.text.slice(0, 2000)}…` : response.text);

/** Runs the checks of `options.profile` against `options.baseUrl`. */
export async function validateScimEndpoint(options: ValidateOptions): Promise<ValidateReport> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const entra = options.profile !== 'okta';
  const okta = options.profile !== 'entra';
  const client = createHttpClient({ baseUrl: options.baseUrl, token: options.token, timeoutMs, retries: 0, concurrency: 1 });
  const badClient = createHttpClient({ baseUrl: options.baseUrl, token: `invalid-${randomUUID()}`, timeoutMs, retries: 0, concurrency: 1 });
  const checks: CheckResult[] = [];
  const created = { Users: [] as string[], Groups: [] as string[] };
  const tag = randomUUID().slice(0, 8);
  const state: { user?: string; userName?: string; externalId?: string; manager?: string; group?: string; groupName?: string; connected: boolean } = { connected: false };
  let last: CheckExchange | undefined;

  async function send(method: string, path: string, body?: unknown, using: HttpClient = client): Promise<HttpResponse> {
    last = { request: { method, path, ...(body === undefined ? {} : { body }) } };
    const response = await using.request(method, path, body);
    last = { ...last, response: { status: response.status, body: bodyFor(response) } };
    return response;
  }

  function expectStatus(response: HttpResponse, allowed: readonly number[], hint: string): void {
    if (allowed.includes(response.status)) return;
    if (response.status === 401 || response.status === 403) {
      throw new CheckFailed(`answered ${response.status} instead of ${allowed.join(' or ')}`, 'the token was refused: check the token and that it grants SCIM access to this resource');
    }
    throw new CheckFailed(`answered ${response.status} instead of ${allowed.join(' or ')}`, hint);
  }

  function expectList(response: HttpResponse, hint: string): Doc[] {
    expectStatus(response, [200], hint);
    const doc = docOf(response);
    if (!schemasOf(doc).includes(LIST) || (!Array.isArray(doc.Resources) && doc.totalResults !== 0)) {
      throw new CheckFailed('the body is not a SCIM ListResponse', 'answer lists with schemas ["…:ListResponse"], an integer totalResults and a Resources array');
    }
    for (const field of ['totalResults', 'startIndex', 'itemsPerPage'] as const) {
      if (doc[field] !== undefined && typeof doc[field] !== 'number') throw new CheckFailed(`${field} is not a number`, 'totalResults, startIndex and itemsPerPage must be JSON integers');
    }
    return Array.isArray(doc.Resources) ? doc.Resources.filter(isObject) : [];
  }

  function expectScimError(response: HttpResponse, status: number, hint: string): Doc {
    expectStatus(response, [status], hint);
    const doc = docOf(response);
    if (!schemasOf(doc).includes(ERROR)) throw new CheckFailed(`the ${status} body has no SCIM Error schema`, `answer errors with {"schemas":["${ERROR}"],"status":"${status}","detail":"…"}`);
    if (typeof doc.detail !== 'string' || doc.detail === '') throw new CheckFailed(`the ${status} error has no detail`, 'add a human-readable "detail" to SCIM errors; Okta asserts it and both clients show it to admins');
    return doc;
  }

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new CheckSkipped(`needs ${what}`);
    return value;
  };

  async function getUser(id: string): Promise<Doc> {
    const response = await send('GET', `/Users/${id}`);
    expectStatus(response, [200], 'GET /Users/{id} must return the user');
    return docOf(response);
  }

  async function check(name: string, run: () => Promise<string>, options: { when?: boolean; needsConnection?: boolean } = {}): Promise<void> {
    if (options.when === false) return;
    if (options.needsConnection !== false && !state.connected) {
      checks.push({ name, status: 'skip', detail: 'Test Connection failed' });
      return;
    }
    last = undefined;
    try {
      const detail = await run();
      checks.push({ name, status: 'pass', detail });
    } catch (error) {
      if (error instanceof CheckSkipped) {
        checks.push({ name, status: 'skip', detail: error.message });
        return;
      }
      const failed = error instanceof CheckFailed;
      const message = error instanceof Error ? error.message : String(error);
      // `send` sets `last` inside the check; read it through a cast so it is not narrowed to undefined.
      const exchange = last as CheckExchange | undefined;
      checks.push({
        name,
        status: 'fail',
        detail: failed ? message : `request failed: ${message}`,
        ...(exchange === undefined ? {} : { request: exchange.request, ...(exchange.response === undefined ? {} : { response: exchange.response }) }),
        hint: failed ? (error as CheckFailed).hint : 'check the Tenant URL, that the server is reachable and that it answers within the timeout',
      });
    }
  }

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

  async function createUser(kind: 'entra' | 'okta', userName: string, externalId: string): Promise<string> {
    const response = await send('POST', '/Users', userBody(kind, userName, externalId));
    const id = docOf(response).id;
    if (typeof id === 'string' && id !== '' && response.status < 300) created.Users.push(id);
    expectStatus(response, [201], 'POST /Users must create the user and answer 201');
    if (typeof id !== 'string' || id === '') throw new CheckFailed('the 201 body has no id', 'return the created resource with its id; Entra caches it and Okta fails with "empty user" without it');
    return id;
  }

  try {
    // Test Connection: what Entra sends when the admin clicks the button.
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

    // Discovery.
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

    // Users.
    const userName = `vera.validate.${tag}@scimd-validate.example`;
    const externalId = `validate-${tag}`;
    await check(`Users: create (${entra ? "Entra's" : "Okta's"} POST body)`, async () => {
      state.user = await createUser(entra ? 'entra' : 'okta', userName, externalId);
      state.userName = userName;
      state.externalId = externalId;
      return `201, id ${state.user}`;
    });
    await check('Users: get by id', async () => {
      const id = need(state.user, 'the created user');
      const doc = await getUser(id);
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
      state.manager = await createUser(okta ? 'okta' : 'entra', `manager.${tag}@scimd-validate.example`, `validate-manager-${tag}`);
      return `201, id ${state.manager}`;
    });
    await check('Users: PATCH "Replace" with a dotted path (name.givenName)', async () => {
      const id = need(state.user, 'the created user');
      const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'name.givenName', value: 'Valeria' }] });
      expectStatus(response, [200, 204], 'accept PATCH op names in any case ("Replace") and dotted sub-attribute paths');
      const name = (await getUser(id)).name;
      if (!isObject(name) || name.givenName !== 'Valeria') throw new CheckFailed(`name is ${JSON.stringify(name)}`, 'apply "name.givenName" to the givenName inside name');
      return 'givenName changed';
    }, { when: entra });
    await check('Users: PATCH filtered e-mail path emails[type eq "work"].value', async () => {
      const id = need(state.user, 'the created user');
      const email = `changed.${tag}@scimd-validate.example`;
      const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: email }] });
      expectStatus(response, [200, 204], 'accept value-filter paths such as emails[type eq "work"].value in PATCH');
      const emails = (await getUser(id)).emails;
      const work = Array.isArray(emails) ? emails.filter(isObject).filter((e) => e.type === 'work') : [];
      if (work.length !== 1 || work[0]!.value !== email) throw new CheckFailed(`emails are ${JSON.stringify(emails)}`, 'replace the value of the work e-mail (create it when missing) and keep a single work entry');
      return 'work e-mail changed';
    }, { when: entra });
    await check('Users: PATCH without path, dotted and URN keys', async () => {
      const id = need(state.user, 'the created user');
      const value = { 'name.familyName': 'Validated', [`${ENTERPRISE}:employeeNumber`]: `E-${tag}` };
      const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value }] });
      expectStatus(response, [200, 204], 'accept a no-path replace whose value has dotted ("name.familyName") and URN-prefixed keys');
      const doc = await getUser(id);
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
      const extension = (await getUser(id))[ENTERPRISE];
      const value = isObject(extension) ? extension.manager : undefined;
      if (!isObject(value) || value.value !== manager) throw new CheckFailed(`manager is ${JSON.stringify(value)}`, 'store the manager and return it in the RFC form {"value": "<id>"}; Entra cannot read other shapes');
      return 'manager.value set';
    }, { when: entra });
    await check('Users: PUT the full resource as Okta does', async () => {
      const id = need(state.user, 'the created user');
      const doc = await getUser(id);
      const name = isObject(doc.name) ? doc.name : {};
      const body = { ...doc, groups: [], name: { ...name, middleName: 'Okta' }, displayName: 'Vera Okta Validate' };
      const response = await send('PUT', `/Users/${id}`, body);
      expectStatus(response, [200], 'accept PUT with the full resource as read, including id, meta and groups (ignore read-only input) and answer 200');
      const after = await getUser(id);
      const afterName = after.name;
      if (after.id !== id) throw new CheckFailed('the id changed', 'PUT must keep the id');
      if (!isObject(afterName) || afterName.middleName !== 'Okta' || after.displayName !== 'Vera Okta Validate') throw new CheckFailed(`name is ${JSON.stringify(afterName)}, displayName ${JSON.stringify(after.displayName)}`, 'PUT replaces the resource with the body sent');
      return 'middleName and displayName replaced';
    }, { when: okta });
    await check('Users: deactivate with active "False" (Entra)', async () => {
      const id = need(state.user, 'the created user');
      const response = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      expectStatus(response, [200, 204], 'accept the string booleans "True"/"False" for active (Entra\'s default mapping sends strings)');
      const doc = await getUser(id);
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
      const doc = await getUser(id);
      if (doc.active !== false) throw new CheckFailed(`active is ${JSON.stringify(doc.active)}`, 'apply the keys of a no-path replace value to the resource');
      return 'active false';
    }, { when: okta });
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

    // Groups.
    const groupName = `Validate Group ${tag}`;
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
    const membersOf = async (group: string): Promise<string[]> => {
      const response = await send('GET', `/Groups/${group}`);
      expectStatus(response, [200], 'GET /Groups/{id} must return the group');
      const members = docOf(response).members;
      return Array.isArray(members) ? members.filter(isObject).map((m) => String(m.value)) : [];
    };
    async function rename(group: string, renamed: string, operation: Doc, hint: string): Promise<string> {
      const response = await send('PATCH', `/Groups/${group}`, { schemas: [PATCH_OP], Operations: [operation] });
      expectStatus(response, [200, 204], hint);
      const got = await send('GET', `/Groups/${group}`);
      expectStatus(got, [200], 'GET /Groups/{id} must return the group');
      if (docOf(got).displayName !== renamed) throw new CheckFailed(`displayName is ${JSON.stringify(docOf(got).displayName)}`, 'apply the new displayName');
      return 'renamed';
    }
    await check('Groups: add members (Add with a value list)', async () => {
      const group = need(state.group, 'the created group');
      const user = need(state.user, 'the created user');
      const manager = need(state.manager, 'the second user');
      const response = await send('PATCH', `/Groups/${group}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: user }, { value: manager }] }] });
      expectStatus(response, [200, 204], 'accept Add on members with several values (and ignore "$ref": null)');
      const members = await membersOf(group);
      if (!members.includes(user) || !members.includes(manager)) throw new CheckFailed(`members are ${JSON.stringify(members)}`, 'add every listed member');
      return '2 members';
    });
    await check('Groups: remove a member (Remove with a value list)', async () => {
      const group = need(state.group, 'the created group');
      const user = need(state.user, 'the created user');
      const manager = need(state.manager, 'the second user');
      const response = await send('PATCH', `/Groups/${group}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: user }] }] });
      expectStatus(response, [200, 204], "accept Remove on members with a value list (Entra's shape) and remove only those members");
      const members = await membersOf(group);
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
      const members = await membersOf(group);
      if (members.includes(gone)) throw new CheckFailed('the member is still there', 'remove the member the filter selects');
      if (kept !== undefined && !members.includes(kept)) throw new CheckFailed('the other member was removed too', 'remove only the members the filter selects');
      return 'the selected member removed';
    }, { when: okta });
    await check('Groups: rename (Replace displayName)', async () => {
      const group = need(state.group, 'the created group');
      return rename(group, `${groupName} renamed`, { op: 'Replace', path: 'displayName', value: `${groupName} renamed` }, 'accept Replace on displayName');
    }, { when: entra });
    await check('Groups: rename (no-path replace with the id, as Okta)', async () => {
      const group = need(state.group, 'the created group');
      const renamed = `${groupName} okta`;
      return rename(group, renamed, { op: 'replace', value: { id: group, displayName: renamed } }, 'accept a no-path replace carrying the group id and displayName (ignore the id)');
    }, { when: okta });
    await check('Groups: delete', async () => {
      const group = need(state.group, 'the created group');
      expectStatus(await send('DELETE', `/Groups/${group}`), [204, 200], 'DELETE /Groups/{id} must answer 204');
      created.Groups = created.Groups.filter((g) => g !== group);
      expectScimError(await send('GET', `/Groups/${group}`), 404, 'a deleted group must answer 404');
      return '204, then 404';
    });
    await check('Users: delete, then GET answers 404 with a SCIM error', async () => {
      const id = need(state.user, 'the created user');
      expectStatus(await send('DELETE', `/Users/${id}`), [204, 200], 'DELETE /Users/{id} must answer 204 (Entra sends it when a user is purged)');
      created.Users = created.Users.filter((u) => u !== id);
      expectScimError(await send('GET', `/Users/${id}`), 404, 'a deleted user must answer 404 with a SCIM error body');
      return '204, then 404';
    });
  } finally {
    await cleanUp();
  }

  async function cleanUp(): Promise<void> {
    for (const resource of ['Groups', 'Users'] as const) {
      for (const id of created[resource]) {
        try {
          const response = await client.request('DELETE', `/${resource}/${id}`);
          if (response.status < 300 || response.status === 404) created[resource] = created[resource].filter((x) => x !== id);
        } catch {
          // kept as a leftover
        }
      }
    }
    client.close();
    badClient.close();
  }

  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  const leftovers = [...created.Groups.map((id) => `Groups/${id}`), ...created.Users.map((id) => `Users/${id}`)];
  return { target: client.baseUrl, profile: options.profile, passed: count('pass'), failed: count('fail'), skipped: count('skip'), checks, leftovers };
}
